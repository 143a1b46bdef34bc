/**
 * Renders docs/benchmarks.md from one run's records: medians with min–max over the rounds, every figure
 * also as a ratio to HAProxy measured in the same run, and where each target of the bench issue stands.
 */
import type { MachineInfo } from './machine';
import type { WaveTiming } from './peers/albkit';
import type { BenchResults, HttpRecord, TcpDirection, TcpRecord } from './record';
import { TCP_DIRECTIONS } from './suites/tcp';
import { ratio, summarize, type Summary } from './stats';
import { REFERENCE } from './peers/target';
import { applyGoals, applySection } from './report-apply';
import { number, span, table, type Goal } from './markdown';

export { number, span };

/** Everything the report shows. */
export interface ReportInput {
  /** When the run started (ISO 8601). */
  date: string;
  /** The command that reproduces it. */
  command: string;
  machine: MachineInfo;
  rounds: number;
  duration: number;
  warmup: number;
  tcpBytes: number;
  /** Each target's name and one-line setup. */
  targets: { name: string; description: string }[];
  results: BenchResults;
  /** Hand-written findings (profile, limits) shown at the end, if any. */
  notes?: string;
}

/** Per-round ratios of a target's figure to HAProxy's in the same round, summarized. */
export function roundRatios<T extends { target: string; round: number }>(
  records: readonly T[],
  target: string,
  value: (record: T) => number,
): Summary {
  const ratios = records
    .filter((record) => record.target === target)
    .map((record) => {
      const reference = records.find((other) => other.target === REFERENCE && other.round === record.round);
      return reference ? ratio(value(record), value(reference)) : Number.NaN;
    });
  return summarize(ratios);
}

const names = <T extends { target: string }>(records: readonly T[], order: readonly string[]): string[] =>
  order.filter((name) => records.some((record) => record.target === name));

function httpTable(records: readonly HttpRecord[], order: readonly string[]): string {
  const rows = names(records, order).map((name) => {
    const mine = records.filter((record) => record.target === name);
    const of = (value: (record: HttpRecord) => number): Summary => summarize(mine.map(value));
    const idle = of((record) => record.idlePercent);
    return [
      name,
      span(of((record) => record.requestsPerSecond)),
      span(
        roundRatios(records, name, (record) => record.requestsPerSecond),
        2,
      ),
      span(
        of((record) => record.p50Ms),
        2,
      ),
      span(
        of((record) => record.p99Ms),
        2,
      ),
      span(
        roundRatios(records, name, (record) => record.p99Ms),
        2,
      ),
      span(
        of((record) => record.processMicrosPerRequest),
        1,
      ),
      span(
        of((record) => record.coreMicrosPerRequest),
        1,
      ),
      `${number(of((record) => record.proxyCoreBusy).median)} / ${number(
        of((record) => record.clientCoreBusy).median,
      )}`,
      idle.count > 0 ? number(idle.median) : '–',
      span(of((record) => record.backendConnections)),
      String(mine.reduce((sum, record) => sum + record.errors, 0)),
    ];
  });
  return table(
    [
      'target',
      'req/s',
      '× HAProxy',
      'p50 ms',
      'p99 ms',
      'p99 × HAProxy',
      'proxy CPU µs/req',
      'proxy core µs/req',
      'busy % proxy / client core',
      'own idle %',
      'backend conns opened',
      'errors',
    ],
    rows,
  );
}

function tcpTable(records: readonly TcpRecord[], order: readonly string[]): string {
  const rows = names(records, order).map((name) => {
    const mine = records.filter((record) => record.target === name);
    const of = (value: (record: TcpRecord) => number): Summary => summarize(mine.map(value));
    return [
      name,
      span(
        of((record) => record.gigabytesPerSecond),
        2,
      ),
      span(
        roundRatios(records, name, (record) => record.gigabytesPerSecond),
        2,
      ),
      span(
        of((record) => record.cpuSecondsPerGigabyte),
        2,
      ),
      span(
        roundRatios(records, name, (record) => record.cpuSecondsPerGigabyte),
        2,
      ),
      number(of((record) => record.proxyCoreBusy).median),
      mine.every((record) => record.bytes === mine[0]!.bytes) ? `${mine[0]!.bytes} ✓` : 'mismatch',
    ];
  });
  return table(
    ['target', 'GB/s', '× HAProxy', 'proxy CPU s/GB', 'CPU × HAProxy', 'proxy core busy %', 'bytes received'],
    rows,
  );
}

function waveCell(wave: WaveTiming): string {
  return `${wave.steps} × ${number(wave.meanMs)} (≤ ${number(wave.slowestMs)})`;
}

const TCP_DIRECTION_TEXT: Record<TcpDirection, string> = {
  upload: 'the client sends, the backend receives',
  download: 'the backend sends, the client receives',
};

const status = (met: boolean | undefined): string => (met === undefined ? 'not measured' : met ? 'met' : '**missed**');

function goals(results: BenchResults): Goal[] {
  const list: Goal[] = [];
  const c50 = results.http.filter((record) => record.connections === 50);
  const rps = roundRatios(c50, 'albkit', (record) => record.requestsPerSecond);
  const p99 = roundRatios(c50, 'albkit', (record) => record.p99Ms);
  const fastify = roundRatios(c50, 'fastify', (record) => record.requestsPerSecond);
  list.push({
    goal: 'HTTP c=50: albkit req/s ≥ 0.6 × HAProxy',
    measured: `${span(rps, 2)}; fastify ${span(fastify, 2)}`,
    met: rps.count ? rps.median >= 0.6 : undefined,
  });
  list.push({
    goal: 'HTTP c=50: albkit p99 ≤ 2.5 × HAProxy',
    measured: span(p99, 2),
    met: p99.count ? p99.median <= 2.5 : undefined,
  });
  for (const direction of TCP_DIRECTIONS) {
    const records = results.tcp.filter((record) => record.direction === direction);
    const tcp = roundRatios(records, 'albkit', (record) => record.gigabytesPerSecond);
    const cpu = roundRatios(records, 'albkit', (record) => record.cpuSecondsPerGigabyte);
    list.push({
      goal: `TCP ${direction}: albkit GB/s ≥ 0.8 × HAProxy`,
      measured: tcp.count ? `${span(tcp, 2)} (CPU per GB ${span(cpu, 2)} × HAProxy's)` : '–',
      met: tcp.count ? tcp.median >= 0.8 : undefined,
    });
  }
  const deploy = summarize(results.control.map((record) => record.deployWallSeconds));
  const destroy = summarize(results.control.map((record) => record.destroyWallSeconds));
  const resources = results.control[0]?.resources ?? 0;
  list.push({
    goal: `deploy of ${resources || 301} resources < 2 s`,
    measured: `${span(deploy, 2)} s`,
    met: deploy.count ? deploy.max < 2 : undefined,
  });
  list.push({
    goal: `destroy of ${resources || 301} resources < 2 s`,
    measured: `${span(destroy, 2)} s`,
    met: destroy.count ? destroy.max < 2 : undefined,
  });
  const errors = results.reconfig.reduce((sum, record) => sum + record.errorsDuring, 0);
  const under = results.reconfig.reduce((sum, record) => sum + record.changesDuringLoad, 0);
  const total = results.reconfig.reduce((sum, record) => sum + record.changes, 0);
  list.push({
    goal: '0 failed requests while 20 changes are applied under load',
    measured: results.reconfig.length ? `${errors} failed; ${under}/${total} changes under load` : '–',
    met: results.reconfig.length ? errors === 0 && under === total : undefined,
  });
  list.push(...applyGoals(results.apply));
  return list;
}

/** The markdown of docs/benchmarks.md. */
export function renderReport(input: ReportInput): string {
  const { results, machine } = input;
  const order = input.targets.map((target) => target.name);
  const parts: string[] = [];
  parts.push(`# Benchmarks

Generated by \`npm run bench\` on ${input.date}; do not edit by hand. Reproduce with:

\`\`\`
${input.command}
\`\`\`

Raw outputs (wrk's text, deploy events, configurations) go to \`bench/results/\`, which git ignores.

## Machine and versions

- ${machine.cpu}, ${machine.memory}, ${machine.kernel}; load average ${machine.loadAverage} when the run began
${Object.entries(machine.versions)
  .map(([name, version]) => `- ${name} ${version}`)
  .join('\n')}

## Method

- Client (\`wrk -t1\`), backends (one nginx worker answering a 64-byte body on two ports) and the TCP source and
  sink (socat) are pinned to core 0 with \`taskset\`; the proxy under test runs alone on core 1.
- ${input.rounds} round(s); each round runs every target once, the start order rotated by one per round. Each
  HTTP figure is a ${input.duration} s wrk run after a discarded ${input.warmup} s warm-up. Figures are medians
  with min–max over the rounds; ratios are to HAProxy in the same round.
- CPU: "proxy CPU µs/req" is the proxy process's own CPU time (utime + stime of it and its children, from
  /proc/<pid>/stat) per request; "proxy core µs/req" is core 1's busy time (/proc/stat) per request, which also
  counts interrupts and anything else that ran there; "own idle %" is HAProxy's \`Idle_pct\` from its stats socket.
  The proxy core's busy share while the client talks straight to a backend ("direct") is what else ran on this
  machine at the time: the figures are as clean as that share is low.
- TCP: ${input.tcpBytes / 2 ** 20} MiB through one connection, socat source → proxy → socat sink, both ways (upload:
  the client is the source; download: the backend is), the sink's byte count checked; GB is 10^9 bytes.
  HAProxy's and albkit's TCP backends have no health check here (the socat backend accepts one connection).
  Source, sink and \`wc\` share the client core, which bounds GB/s for every proxy alike: CPU per GB on the proxy
  core is the figure that tells the proxies apart.
- "backend conns opened" counts the connections the backends accepted during a measured run (nginx's
  stub_status): a proxy that keeps its upstream connections alive opens few.
- Before it is measured, each HTTP proxy must send 6 requests to both backends and append the client's address
  to X-Forwarded-For (the backends echo what they received).
- A target is met when the median over the rounds meets it (deploy and destroy: the slowest round).
- Every process is started by the bench, pinned, bounded in time and stopped by its PID; everything binds 127.0.0.1.

Targets:

${input.targets.map((target) => `- **${target.name}**: ${target.description}`).join('\n')}

## Where the targets stand

${table(
  ['target', 'measured', 'status'],
  goals(results).map((goal) => [goal.goal, goal.measured, status(goal.met)]),
)}
`);
  const levels = [...new Set(results.http.map((record) => record.connections))].sort((a, b) => a - b);
  for (const connections of levels) {
    parts.push(`## HTTP, ${connections} connections

${httpTable(
  results.http.filter((record) => record.connections === connections),
  order,
)}
`);
  }
  for (const direction of TCP_DIRECTIONS) {
    const records = results.tcp.filter((record) => record.direction === direction);
    if (records.length > 0)
      parts.push(
        `## TCP ${direction}, one connection (${TCP_DIRECTION_TEXT[direction]})\n\n${tcpTable(records, order)}\n`,
      );
  }
  if (results.control.length > 0) {
    const of = (value: (record: (typeof results.control)[number]) => number): Summary =>
      summarize(results.control.map(value));
    const resources = results.control[0]!.resources;
    parts.push(`## Control plane: ${resources} resources through \`albkit deploy\` and \`albkit destroy\`

A fresh agent per round. "Wall" is the command from start to exit (Node's start-up, loading the manifest,
planning against the agent, every wave until ACTIVE or gone); "apply" is the time the command reports for its
waves alone.

${table(
  ['', 'wall s', 'apply s', 'listener ports accepting once it returned', 'ms until every port was closed'],
  [
    [
      'deploy',
      span(
        of((record) => record.deployWallSeconds),
        2,
      ),
      span(
        of((record) => record.deployApplySeconds),
        2,
      ),
      span(of((record) => record.listeningAfterDeploy)),
      '–',
    ],
    [
      'destroy',
      span(
        of((record) => record.destroyWallSeconds),
        2,
      ),
      span(
        of((record) => record.destroyApplySeconds),
        2,
      ),
      span(of((record) => record.listeningAfterDestroy)),
      results.control.map((record) => number(record.portsClosedMs)).join(', '),
    ],
  ],
)}

Per wave, round 1 (steps in the wave; mean and slowest step in ms, a step being the request and its polling):

${table(
  ['', ...results.control[0]!.deployWaves.map((wave) => `wave ${wave.wave}`)],
  [
    ['deploy', ...results.control[0]!.deployWaves.map(waveCell)],
    ['destroy', ...results.control[0]!.destroyWaves.map(waveCell)],
  ],
)}
`);
  }
  if (results.reconfig.length > 0) {
    const of = (value: (record: (typeof results.reconfig)[number]) => number): Summary =>
      summarize(results.reconfig.map(value));
    parts.push(`## Reconfiguration under load

albkit at ${results.reconfig[0]!.connections} connections: one ${
      results.reconfig[0]!.seconds
    } s wrk run before the changes, and one that lasts
while \`albkit deploy\` applies ${results.reconfig[0]!.changes} changes one after the other, spread over about
${
  results.reconfig[0]!.seconds
} s (weights, a third server added and removed, the algorithm switched, the health check retuned),
ending a second after the last one.

${table(
  ['', 'req/s', 'p99 ms', 'failed requests', 'changes under load'],
  [
    [
      'before',
      span(of((record) => record.requestsPerSecondBefore)),
      span(
        of((record) => record.p99BeforeMs),
        2,
      ),
      String(results.reconfig.reduce((sum, record) => sum + record.errorsBefore, 0)),
      '–',
    ],
    [
      'during',
      span(of((record) => record.requestsPerSecondDuring)),
      span(
        of((record) => record.p99DuringMs),
        2,
      ),
      String(results.reconfig.reduce((sum, record) => sum + record.errorsDuring, 0)),
      results.reconfig.map((record) => `${record.changesDuringLoad}/${record.changes}`).join(', '),
    ],
  ],
)}

p99 during ÷ before: ${span(
      of((record) => ratio(record.p99DuringMs, record.p99BeforeMs)),
      2,
    )}.
`);
  }
  if (results.apply.length > 0) parts.push(applySection(results.apply));
  for (const profile of results.profiles) {
    parts.push(`## Where albkit's time goes: ${profile.workload}

\`node --cpu-prof\` on the agent (raw profile: \`${profile.file}\` in the run's results; open it in Chrome DevTools).
Self time by function, then by file:

${table(
  ['function', 'self %'],
  profile.functions.map((hot) => [`\`${hot.name}\``, number(hot.selfPercent, 1)]),
)}

${table(
  ['file', 'self %'],
  profile.files.map((hot) => [`\`${hot.name}\``, number(hot.selfPercent, 1)]),
)}
`);
  }
  if (results.failures.length > 0)
    parts.push(`## Failures\n\n${results.failures.map((failure) => `- ${failure}`).join('\n')}\n`);
  if (input.notes) parts.push(input.notes.trim() + '\n');
  return parts.join('\n');
}
