/** The bench's command-line flags. */
import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** Which suites run. */
export const SUITES = ['http', 'tcp', 'control', 'reconfig', 'apply', 'profile'] as const;
export type Suite = (typeof SUITES)[number];

/** What one bench run does. */
export interface BenchOptions {
  /** Rounds; each runs every target once, start order rotated. @default 3 */
  rounds: number;
  /** Seconds of each measured wrk run. @default 10 */
  duration: number;
  /** Seconds of the discarded warm-up before each measured run. @default 3 */
  warmup: number;
  /** wrk connection counts. @default [50, 200] */
  connections: number[];
  /** Bytes through one TCP connection. @default 2 GiB */
  tcpBytes: number;
  /** Listeners (each with its backend service and server group) in the control-plane app. @default 100 */
  controlListeners: number;
  /** Load balancers (5 resources each) in the apply suite's manifest. @default 2000 */
  applyLoadBalancers: number;
  /** Suites to run. @default all */
  only: Suite[];
  /** Targets to run (by name). @default all */
  targets?: string[];
  /** Write docs/benchmarks.md. @default true */
  writeReport: boolean;
}

const positiveInteger = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return number;
};

const list = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** Parses the flags of `npm run bench -- …`. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const program = new Command('bench')
    .description('albkit against HAProxy, nginx and fastify: HTTP, TCP, control plane and reconfiguration under load')
    .option('--rounds <n>', 'rounds, every target once per round', positiveInteger, 3)
    .option('--duration <seconds>', 'seconds of each measured run', positiveInteger, 10)
    .option('--warmup <seconds>', 'seconds of discarded warm-up before each run', positiveInteger, 3)
    .option(
      '--connections <list>',
      'wrk connection counts',
      (value: string) => list(value).map(positiveInteger),
      [50, 200],
    )
    .option('--tcp-mib <n>', 'MiB through one TCP connection', positiveInteger, 2048)
    .option('--control-listeners <n>', 'listeners in the control-plane app', positiveInteger, 100)
    .option(
      '--apply-load-balancers <n>',
      "load balancers (5 resources each) in the apply suite's manifest",
      positiveInteger,
      2000,
    )
    .option('--only <suites>', `suites to run: ${SUITES.join(',')}`, (value: string) => {
      const chosen = list(value);
      const unknown = chosen.filter((suite) => !(SUITES as readonly string[]).includes(suite));
      if (unknown.length > 0)
        throw new InvalidArgumentError(`unknown suite ${unknown.join(', ')}; one of ${SUITES.join(', ')}`);
      return chosen as Suite[];
    })
    .option('--targets <names>', 'targets to run (HAProxy is always kept: it is the reference)', list)
    .option('--no-report', 'do not write docs/benchmarks.md (raw outputs are still written)')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) process.exit(0); // --help
    throw error;
  }
  const flags = program.opts<{
    rounds: number;
    duration: number;
    warmup: number;
    connections: number[];
    tcpMib: number;
    controlListeners: number;
    applyLoadBalancers: number;
    only?: Suite[];
    targets?: string[];
    report: boolean;
  }>();
  return {
    rounds: flags.rounds,
    duration: flags.duration,
    warmup: flags.warmup,
    connections: flags.connections,
    tcpBytes: flags.tcpMib * 2 ** 20,
    controlListeners: flags.controlListeners,
    applyLoadBalancers: flags.applyLoadBalancers,
    only: flags.only ?? [...SUITES],
    targets: flags.targets,
    writeReport: flags.report,
  };
}
