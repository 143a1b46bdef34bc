/**
 * A real single-member etcd for tests: Debian's `etcd` binary on free loopback ports with its own temporary
 * data directory (never the packaged service on 2379), stopped by PID and its directory removed. Every etcd
 * started here must be stopped in an `after`/`afterEach` hook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { freePort } from '../../helpers/agent';
import { sleep } from '../../helpers/wait';

/** The transaction and request limits the agent's etcd store needs for large manifests (see docs/fleet.md). */
export const ETCD_LIMIT_ARGS = ['--max-txn-ops', '4096', '--max-request-bytes', '16777216'];

export interface TestEtcd {
  /** `http://<host>:<client port>` */
  endpoint: string;
  /** `etcd://<host>:<client port>`, as `albkit agent --store` takes it. */
  storeUrl: string;
  pid: number;
  /** SIGKILL, waits for the exit; keeps the data directory so `restart` comes back with the same data. */
  kill(): Promise<void>;
  /** Starts etcd again on the same ports and data directory; resolves once it answers. */
  restart(): Promise<void>;
  /** Stops etcd (SIGTERM, SIGKILL after 10 s) and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts an etcd member and resolves once it answers a read. `host` is the address its client and peer ports
 * listen on (a test's bridge address, for agents in network namespaces). @default '127.0.0.1'
 */
export async function startEtcd(host = '127.0.0.1'): Promise<TestEtcd> {
  const dataDir = await mkdtemp(join(tmpdir(), 'albkit-etcd-'));
  const clientPort = await freePort(host);
  const peerPort = await freePort(host);
  const endpoint = `http://${host}:${clientPort}`;
  const args = [
    '--name',
    'test',
    '--data-dir',
    dataDir,
    '--listen-client-urls',
    endpoint,
    '--advertise-client-urls',
    endpoint,
    '--listen-peer-urls',
    `http://${host}:${peerPort}`,
    '--initial-advertise-peer-urls',
    `http://${host}:${peerPort}`,
    '--initial-cluster',
    `test=http://${host}:${peerPort}`,
    ...ETCD_LIMIT_ARGS,
  ];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const started = spawn('etcd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child = started;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    const gone = exited.then(() => true);
    const client = new Etcd3({ hosts: endpoint, dialTimeout: 1000 });
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const ready = await Promise.race([
          client
            .get('albkit-test-ready')
            .options({ deadline: Date.now() + 1000 })
            .string()
            .then(
              () => true,
              () => false,
            ),
          gone.then(() => false),
        ]);
        if (ready) return;
        if (started.exitCode !== null || started.signalCode !== null)
          throw new Error(`etcd exited on start:\n${output.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`etcd did not answer within 30 s:\n${output.slice(-2000)}`);
        await sleep(100);
      }
    } catch (error) {
      started.kill('SIGKILL');
      await exited;
      throw error;
    } finally {
      client.close();
    }
  };

  const kill = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  try {
    await launch();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint,
    storeUrl: `etcd://${host}:${clientPort}`,
    get pid() {
      return child?.pid as number;
    },
    kill,
    restart: launch,
    stop: async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
