/**
 * `npm run bench`: albkit's data plane and control plane against HAProxy, nginx and fastify on this machine.
 * Installs its peers, runs the suites, writes raw outputs to bench/results/<date>/ and docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from './lock';
import { describeMachine } from './machine';
import { parseOptions, type BenchOptions } from './options';
import { albkitTarget } from './peers/albkit';
import { backendAccepts, startBackends } from './peers/backends';
import { directTarget } from './peers/direct';
import { fastifyTarget } from './peers/fastify';
import { haproxyTarget } from './peers/haproxy';
import { nginxTarget } from './peers/nginx';
import { REFERENCE, type Target, type TargetContext } from './peers/target';
import { BACKEND_PORTS, CLIENT_CORE, HTTP_PROXY_PORT, TCP_PROXY_PORT, TCP_BACKEND_PORT } from './ports';
import { stopAll } from './proc';
import { RawOutputs, type BenchResults } from './record';
import { renderReport } from './report';
import { ensurePeers } from './setup';
import { albkitRoutingTarget, haproxyRoutingTarget } from './peers/routing';
import { runApplySuite } from './suites/apply';
import { runControlSuite } from './suites/control';
import { runHttpSuite } from './suites/http';
import { runProfileSuite } from './suites/profile';
import { runReconfigSuite } from './suites/reconfig';
import { runTcpSuite } from './suites/tcp';

const ROOT = join(__dirname, '..', '..');

const log = (line: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Every target, in the order the report lists them. */
function allTargets(): Target[] {
  return [
    directTarget,
    haproxyTarget(HTTP_PROXY_PORT),
    nginxTarget(HTTP_PROXY_PORT),
    fastifyTarget(HTTP_PROXY_PORT),
    albkitTarget(HTTP_PROXY_PORT),
    haproxyRoutingTarget(HTTP_PROXY_PORT),
    albkitRoutingTarget(HTTP_PROXY_PORT),
  ];
}

/** The targets chosen with `--targets`; HAProxy always stays, as every ratio is to it. */
export function chooseTargets(targets: readonly Target[], names: readonly string[] | undefined): Target[] {
  if (!names) return [...targets];
  const wanted = new Set([...names.map((name) => name.toLowerCase()), REFERENCE.toLowerCase()]);
  return targets.filter((target) => wanted.has(target.name.toLowerCase()));
}

function tcpTargets(targets: readonly Target[]): Target[] {
  return targets.map((target) =>
    target.name === 'albkit'
      ? albkitTarget(TCP_PROXY_PORT)
      : target.name === REFERENCE
        ? haproxyTarget(TCP_PROXY_PORT)
        : target,
  );
}

async function runSuites(options: BenchOptions, raw: RawOutputs): Promise<BenchResults> {
  const results: BenchResults = { http: [], tcp: [], control: [], reconfig: [], apply: [], profiles: [], failures: [] };
  const targets = chooseTargets(allTargets(), options.targets);
  const dir = raw.folder('work');
  const context: TargetContext = { dir, backendPorts: BACKEND_PORTS.slice(0, 2), tcpBackendPort: TCP_BACKEND_PORT };
  const backends = await startBackends(dir, BACKEND_PORTS);
  try {
    const common = { rounds: options.rounds, raw, log };
    if (options.only.includes('http')) {
      results.http = await runHttpSuite(
        targets,
        {
          ...common,
          duration: options.duration,
          warmup: options.warmup,
          connections: options.connections,
          context,
          backendAccepts,
        },
        results.failures,
      );
    }
    if (options.only.includes('tcp')) {
      results.tcp = await runTcpSuite(
        tcpTargets(targets),
        { ...common, bytes: options.tcpBytes, context },
        results.failures,
      );
    }
    if (options.only.includes('control')) {
      results.control = await runControlSuite(
        { ...common, listeners: options.controlListeners, backendPorts: context.backendPorts, dir },
        results.failures,
      );
    }
    if (options.only.includes('reconfig')) {
      results.reconfig = await runReconfigSuite(
        {
          ...common,
          duration: options.duration,
          warmup: options.warmup,
          connections: options.connections[0] ?? 50,
          backendPorts: BACKEND_PORTS,
          dir,
        },
        results.failures,
      );
    }
    if (options.only.includes('apply')) {
      results.apply = await runApplySuite(
        { ...common, loadBalancers: options.applyLoadBalancers, backendPorts: context.backendPorts, dir },
        results.failures,
      );
    }
    if (options.only.includes('profile')) {
      results.profiles = await runProfileSuite(
        {
          ...common,
          duration: options.duration,
          warmup: options.warmup,
          connections: options.connections[0] ?? 50,
          tcpBytes: options.tcpBytes,
          reconfigBackendPorts: BACKEND_PORTS,
          context,
          backendAccepts,
        },
        results.failures,
      );
    }
  } finally {
    await backends.stop();
  }
  return results;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  // the harness itself (and every client it starts) stays off the proxy's core
  execFileSync('taskset', ['-p', '-c', String(CLIENT_CORE), String(process.pid)], { stdio: 'ignore' });
  ensurePeers(log);
  // the ports are the machine's, so the lock is too (not the checkout's)
  const release = await acquireLock(join(tmpdir(), 'albkit-bench.lock'), log);
  try {
    await measure(options, argv);
  } finally {
    release();
  }
}

async function measure(options: BenchOptions, argv: readonly string[]): Promise<void> {
  const date = new Date().toISOString();
  const machine = describeMachine(ROOT);
  const raw = new RawOutputs(join(ROOT, 'bench', 'results', date.replace(/[:.]/g, '-')));
  log(`raw outputs in ${raw.dir}`);
  const results = await runSuites(options, raw);
  raw.write('results.json', `${JSON.stringify(results, null, 2)}\n`);
  const notesFile = join(ROOT, 'bench', 'notes.md');
  const report = renderReport({
    date,
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    machine,
    rounds: options.rounds,
    duration: options.duration,
    warmup: options.warmup,
    tcpBytes: options.tcpBytes,
    targets: chooseTargets(allTargets(), options.targets).map(({ name, description }) => ({ name, description })),
    results,
    notes: existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : undefined,
  });
  raw.write('benchmarks.md', report);
  if (options.writeReport) {
    writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), report);
    log('wrote docs/benchmarks.md');
  }
  if (results.failures.length > 0) log(`${results.failures.length} failure(s):\n  ${results.failures.join('\n  ')}`);
}

function stopOnSignal(signal: NodeJS.Signals): void {
  log(`${signal}: stopping every process the bench started`);
  void stopAll().then(() => process.exit(130));
}

if (require.main === module) {
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  main()
    .catch((error: Error) => {
      console.error(`bench: ${error.message}`);
      process.exitCode = 1;
    })
    // every process is stopped by now; exit rather than wait for any timer left behind
    .finally(() => stopAll().then(() => process.exit()));
}
