import type { Command } from 'commander';
import type { Agent, AgentOptions } from '../../runtime/agent';
import { DEFAULT_CONTROL, DEFAULT_DRAIN_MS, DEFAULT_STATE_DIR } from '../../runtime/agent-defaults';
import { DEFAULT_LEASE_TTL_S } from '../../runtime/fleet/fleet';
import { checkNodeId } from '../../runtime/fleet/node';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../runtime/log';
import { DEFAULT_ETCD_PREFIX, parseEtcdLocation } from '../../runtime/store/etcd-url';
import { UsageError } from '../exit';
import { loadManifest } from '../load';
import { onParentExit } from '../parent-watch';

/** The options `albkit agent` and `albkit up` share. */
export interface AgentCliOptions {
  /** `--state-dir`. @default '.albkit' */
  stateDir: string;
  /** `--control host:port`. @default '127.0.0.1:7070' */
  control: string;
  /** `--token-file`. @default `<state-dir>/token`, created */
  tokenFile?: string;
  /** `--drain-ms`, as typed. @default '10000' */
  drainMs: string;
  /** `--log-level`. @default `ALBKIT_LOG_LEVEL`, else 'info' */
  logLevel: string;
  /** `--store etcd://host:port[,host:port]`. @default the state file `<state-dir>/state.json` */
  store?: string;
  /** `--prefix`, the etcd key prefix. @default '/albkit/default' */
  prefix?: string;
  /** `--node-id`. @default kept in `<state-dir>/node-id` */
  nodeId?: string;
  /** `--zone`. @default none */
  zone?: string;
  /** `--lease-ttl`, in seconds, as typed. @default '10' */
  leaseTtl?: string;
  /** `--certificate-dir`, once per directory. @default [] (the state directory only) */
  certificateDir?: string[];
}

/** Adds the agent's options to a command. */
export function agentOptions(command: Command): Command {
  return command
    .option('--state-dir <dir>', 'state directory: state.json, token, cookie-secret, endpoint', DEFAULT_STATE_DIR)
    .option('--control <host:port>', 'address of the control API (port 0: any free port)', DEFAULT_CONTROL)
    .option(
      '--token-file <file>',
      'bearer token file (required for a non-loopback --control); default <state-dir>/token',
    )
    .option(
      '--certificate-dir <dir>',
      "a directory listeners' certificate and key files may be read from, besides the state directory (repeatable)",
      (dir: string, dirs: string[]) => [...dirs, dir],
      [] as string[],
    )
    .option(
      '--store <etcd://host:port,...>',
      'keep the state in etcd, shared by every agent on the same --prefix (default: <state-dir>/state.json)',
    )
    .option('--prefix <key-prefix>', 'the etcd key prefix of this fleet, with --store', DEFAULT_ETCD_PREFIX)
    .option(
      '--node-id <id>',
      "this agent's node id in its fleet (default: kept in <state-dir>/node-id, from the host name)",
    )
    .option(
      '--zone <zone>',
      'the zone this agent runs in: it serves only the load balancers whose zones include it (default: all)',
    )
    .option(
      '--lease-ttl <seconds>',
      "with --store: TTL of the node's lease and the leader's; a dead agent leaves the fleet after it",
      String(DEFAULT_LEASE_TTL_S),
    )
    .option(
      '--drain-ms <ms>',
      'how long in-flight requests may finish on SIGTERM and on a removed listener',
      String(DEFAULT_DRAIN_MS),
    )
    .option(
      '--log-level <level>',
      `log level on stderr: ${LOG_LEVELS.join(', ')}`,
      process.env.ALBKIT_LOG_LEVEL ?? 'info',
    );
}

/**
 * Starts an agent from CLI options and stops it (draining) on SIGTERM or SIGINT, or, on a terminal, when the
 * process that started it exits; exit code 0 after a clean stop.
 */
export async function runAgent(options: AgentCliOptions, extra: Partial<AgentOptions> = {}): Promise<Agent> {
  const drainMs = Number(options.drainMs);
  if (!Number.isInteger(drainMs) || drainMs < 0)
    throw new UsageError(`--drain-ms: "${options.drainMs}" is not a whole number of milliseconds`);
  const leaseTtlSeconds = Number(options.leaseTtl ?? DEFAULT_LEASE_TTL_S);
  if (!Number.isInteger(leaseTtlSeconds) || leaseTtlSeconds < 2)
    throw new UsageError(`--lease-ttl: "${options.leaseTtl}" is not a whole number of seconds, 2 or more`);
  if (!(LOG_LEVELS as readonly string[]).includes(options.logLevel))
    throw new UsageError(`--log-level: "${options.logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  const logger = createLogger(options.logLevel as LogLevel);
  // Loaded here, not at the top: the other commands start without the control API and the data plane.
  const { Agent, parseControl } = await import('../../runtime/agent.js');
  try {
    parseControl(options.control);
    if (options.nodeId !== undefined) checkNodeId(options.nodeId);
    if (options.store !== undefined) parseEtcdLocation(options.store, options.prefix);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const agent = await Agent.start({
    stateDir: options.stateDir,
    control: options.control,
    tokenFile: options.tokenFile,
    certificateDirs: options.certificateDir,
    store: options.store,
    prefix: options.prefix,
    nodeId: options.nodeId,
    zone: options.zone,
    leaseTtlSeconds,
    drainMs,
    logger,
    ...extra,
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    agent.stop().then(
      () => process.exit(0),
      (error: Error) => {
        agent.logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  onParentExit(() => {
    agent.logger.warn('the process that started the agent exited; stopping');
    stop();
  });
  return agent;
}

/** `albkit agent`: runs the agent in the foreground. */
export function register(program: Command): void {
  agentOptions(
    program
      .command('agent')
      .description('run the albkit agent: control API, durable state and the load balancer data plane')
      .option('--manifest <app|manifest>', 'apply this app or manifest on start (validated first)'),
  ).action(async (options: AgentCliOptions & { manifest?: string }) => {
    const manifest = options.manifest ? await loadManifest(options.manifest) : undefined;
    const agent = await runAgent(options, { manifest });
    process.stdout.write(`albkit agent listening on ${agent.endpoint}\n`);
  });
}
