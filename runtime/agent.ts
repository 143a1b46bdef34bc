/**
 * The albkit agent's lifecycle: load the durable state, reconcile the data plane to it, serve the control API,
 * optionally apply a manifest, and on stop drain the listeners and exit cleanly.
 */
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Manifest } from '../lib';
import { DEFAULT_CONTROL, DEFAULT_DRAIN_MS, DEFAULT_STATE_DIR } from './agent-defaults';
import { Controller } from './api/controller';
import type { DataPlanePort } from './api/data-plane-port';
import { ManifestRunner, type ManifestRun } from './api/manifest-run';
import { DEFAULT_RETRY, Reconciler } from './api/reconciler';
import { buildControlApi } from './api/server';
import { CertificateFiles } from './dataplane/certificate-files';
import { DataPlane } from './dataplane/dataplane';
import { checkNodeInternals } from './dataplane/node-internals/self-check';
import { DEFAULT_LEASE_TTL_S, LocalFleet, type Fleet, type NodeSelf } from './fleet/fleet';
import { interfaceAddresses, nodeIdOf } from './fleet/node';
import { zonedDataPlane } from './fleet/zone-filter';
import { createLogger } from './log';
import { createAgentMetrics } from './metrics';
import { writeFileAtomic } from './store/atomic';
import { parseEtcdLocation } from './store/etcd-url';
import type { EtcdStore } from './store/etcd-store';
import type { StateStore } from './store/state-store';
import { FileStore } from './store/file-store';
import { lockStateDir } from './store/lock';
import { readOrCreateHexKey, readOrCreateSecret, readSecret } from './store/secrets';

export { DEFAULT_CONTROL, DEFAULT_DRAIN_MS, DEFAULT_STATE_DIR };

export interface AgentOptions {
  /** Holds state.json, token, cookie-secret and endpoint. @default '.albkit' */
  stateDir?: string;
  /** `host:port` of the control API; port 0 picks a free one. @default '127.0.0.1:7070' */
  control?: string;
  /** A file holding the bearer token; required for a non-loopback control address. @default `<state-dir>/token`, created */
  tokenFile?: string;
  /** A manifest (already validated) to apply once the persisted state is running; a failure is logged. @default none */
  manifest?: Manifest;
  /** How long a removed listener, and every listener on stop, lets in-flight work finish. @default 10000 */
  drainMs?: number;
  /**
   * Directories listeners' certificate and key files may lie under, besides the state directory (inline PEM
   * is always allowed). Each must exist. @default none
   */
  certificateDirs?: readonly string[];
  /**
   * `etcd://host:port[,host:port]`: keep the state in etcd, shared by every agent on the same `prefix`, instead
   * of `<state-dir>/state.json`. @default the state file
   */
  store?: string;
  /** The etcd key prefix of this fleet (with `store`). @default '/albkit/default' */
  prefix?: string;
  /** This agent's node id in its fleet. @default kept in `<state-dir>/node-id`: the host name and a random suffix */
  nodeId?: string;
  /** The zone this agent runs in: it serves only the load balancers whose zones include it. @default none: every load balancer */
  zone?: string;
  /** The TTL of the node's lease and the leader's, in seconds (with `store`): a dead node is gone after it. @default 10 */
  leaseTtlSeconds?: number;
  /** @default a pino logger on stderr */
  logger?: Logger;
}

/** Parses `host:port` (IPv4, `[IPv6]` or a name). Throws a usage error naming the option. */
export function parseControl(control: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(control);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`--control: "${control}" is not host:port (such as 127.0.0.1:7070)`);
  return { host: (match[1] ?? match[2]) as string, port };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** A running agent. */
export class Agent {
  private stopping: Promise<void> | undefined;

  private constructor(
    /** The control API's base URL, such as `http://127.0.0.1:7070`. */
    readonly endpoint: string,
    /** The bearer token of the control API. */
    readonly token: string,
    /** The absolute state directory. */
    readonly stateDir: string,
    readonly logger: Logger,
    private readonly server: FastifyInstance,
    private readonly dataPlane: DataPlanePort,
    private readonly reconciler: Reconciler,
    private readonly runner: ManifestRunner,
    private readonly unlock: () => Promise<void>,
    private readonly drainMs: number,
  ) {}

  /**
   * Boots an agent; rejects (nothing left running) on an unusable state file, token or address, or when
   * another agent runs on the same state directory.
   */
  static async start(options: AgentOptions = {}): Promise<Agent> {
    const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
    const { host, port } = parseControl(options.control ?? DEFAULT_CONTROL);
    if (!isLoopback(host) && !options.tokenFile) {
      throw new Error(
        `--control ${host}:${port} is not a loopback address: give --token-file so the token is yours to distribute`,
      );
    }
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const unlock = await lockStateDir(stateDir);
    try {
      return await Agent.boot(stateDir, host, port, options, unlock);
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  private static async boot(
    stateDir: string,
    host: string,
    port: number,
    options: AgentOptions,
    unlock: () => Promise<void>,
  ): Promise<Agent> {
    // Before anything binds: a Node whose internals the data plane relies on changed fails the start here.
    await checkNodeInternals();
    // The etcd client (and its gRPC) is loaded only by an agent on etcd: a file-store agent starts as before.
    const etcd =
      options.store === undefined
        ? undefined
        : new (await import('./store/etcd-store.js')).EtcdStore(parseEtcdLocation(options.store, options.prefix));
    const store: StateStore = etcd ?? new FileStore(stateDir);
    const state = await store.load().catch(async (error: Error) => {
      await etcd?.close();
      throw error;
    });
    const tokenFile = options.tokenFile ?? join(stateDir, 'token');
    const token = options.tokenFile ? await readSecret(tokenFile) : await readOrCreateSecret(tokenFile);
    const cookieSecretFile = join(stateDir, 'cookie-secret');
    const cookieSecret = await readOrCreateHexKey(cookieSecretFile);
    const certificateFiles = new CertificateFiles({
      dirs: [stateDir, ...(await certificateDirs(options.certificateDirs ?? []))],
      refused: await Promise.all(
        [...(store instanceof FileStore ? [store.file] : []), tokenFile, cookieSecretFile].map((file) =>
          realpath(file).catch(() => file),
        ),
      ),
    });
    const logger = options.logger ?? createLogger();

    const version = await packageVersion();
    const self = {
      id: await nodeIdOf(stateDir, options.nodeId),
      ...(options.zone === undefined ? {} : { zone: options.zone }),
      endpoint: '',
      addresses: interfaceAddresses(),
      version,
    };
    const metrics = createAgentMetrics(
      () => state.resources,
      () => store.failedWrites,
    );
    const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
    const allZones: DataPlanePort = new DataPlane({
      logger: logger.child({ component: 'dataplane' }),
      registry: metrics.registry,
      cookieSecret,
      drainMs,
      certificateFiles,
    });
    // With --zone, only the load balancers of this zone are served here.
    const dataPlane = options.zone === undefined ? allZones : zonedDataPlane(allZones, options.zone);
    const fleet: Fleet = etcd
      ? await joinFleet(etcd, self, options.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_S, logger)
      : new LocalFleet(self);
    const reconciler = new Reconciler(state, dataPlane, store, logger, DEFAULT_RETRY, fleet);
    await reconciler.request();
    // A fleet's other agents write too: what they store reaches this data plane through the watch.
    if (etcd) {
      const resynced = (reason: Error): void =>
        logger.warn({ err: reason }, 'etcd store: the watch stopped; reading the whole prefix again');
      await etcd.follow(state, () => void reconciler.request(), resynced);
    }
    const controller = new Controller(state, store, reconciler, dataPlane);
    const runner = new ManifestRunner(controller);
    const server = buildControlApi({
      controller,
      runner,
      metrics,
      logger,
      token,
      version,
      unstored: () => reconciler.unstored,
      fleet,
    });
    try {
      await server.listen({ host, port });
    } catch (error) {
      await reconciler.close();
      await dataPlane.stop(0);
      await fleet.close();
      await etcd?.close();
      throw new Error(`--control ${host}:${port}: cannot listen: ${(error as Error).message}`);
    }
    const address = server.addresses()[0] as { address: string; port: number; family: string };
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const endpoint = `http://${shown}:${address.port}`;
    self.endpoint = endpoint;
    fleet.applied(store.revision);
    await writeFileAtomic(join(stateDir, 'endpoint'), `${endpoint}\n`, 0o644);
    logger.info({ endpoint, stateDir, resources: state.resources.length }, 'agent started');
    const closeStore = async (): Promise<void> => {
      await fleet.close();
      await etcd?.close();
    };
    const agent = new Agent(
      endpoint,
      token,
      stateDir,
      logger,
      server,
      dataPlane,
      reconciler,
      runner,
      async () => {
        await closeStore();
        await unlock();
      },
      drainMs,
    );
    if (options.manifest) {
      // A listener that cannot bind leaves the agent up with that listener FAILED, visible in the API.
      await agent
        .apply(options.manifest)
        .catch((error: Error) => logger.error({ err: error }, 'manifest not fully applied'));
    }
    return agent;
  }

  /** Applies a whole manifest through the control plane (what `PUT /v1/manifest` does). */
  apply(manifest: Manifest): Promise<ManifestRun> {
    return this.runner.run(manifest);
  }

  /** Stops the control API, drains the data plane up to `deadlineMs`, and waits for the state to be saved. */
  stop(deadlineMs = this.drainMs): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info({ deadlineMs }, 'agent stopping');
      await this.server.close();
      await this.reconciler.close();
      await this.dataPlane.stop(deadlineMs);
      await this.unlock();
      this.logger.info('agent stopped');
    })();
    return this.stopping;
  }
}

/** Registers this agent as a node of the fleet on `etcd` and enters the leader election; closes the store on failure. */
async function joinFleet(etcd: EtcdStore, self: NodeSelf, ttlSeconds: number, logger: Logger): Promise<Fleet> {
  const { EtcdFleet } = await import('./fleet/etcd-fleet.js');
  return EtcdFleet.join({ keys: etcd.keys, self, ttlSeconds, logger: logger.child({ component: 'fleet' }) }).catch(
    async (error: Error) => {
      await etcd.close();
      throw error;
    },
  );
}

/** The `--certificate-dir` directories as real paths; throws naming the option for one that is not a directory. */
async function certificateDirs(dirs: readonly string[]): Promise<string[]> {
  return Promise.all(
    dirs.map(async (dir) => {
      const real = await realpath(dir).catch((error: NodeJS.ErrnoException) => {
        throw new Error(
          `--certificate-dir ${dir}: ${
            error.code === 'ENOENT' ? 'no such directory' : `cannot use it: ${error.code ?? error.message}`
          }`,
        );
      });
      if (!(await stat(real)).isDirectory()) throw new Error(`--certificate-dir ${dir}: is not a directory`);
      return real;
    }),
  );
}

async function packageVersion(): Promise<string> {
  const text = await readFile(join(__dirname, '..', '..', 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
