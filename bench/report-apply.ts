/** The apply suite's part of the bench report: its goals and its section. */
import { number, span, table, type Goal } from './markdown';
import type { ProbeFigures } from './probe/probe';
import type { ApplyRecord } from './record';
import { summarize, type Summary } from './stats';
import { BASELINE_SECONDS, PROBE_INTERVAL_MS } from './suites/apply';

/** The goals of issue #21: the apply in < 10 s (the slowest round), the probe's p99 during it < 50 ms (the median). */
export function applyGoals(records: readonly ApplyRecord[]): Goal[] {
  const resources = records[0]?.resources ?? 10000;
  const seconds = summarize(records.map((record) => record.applySeconds));
  const p99 = summarize(records.map((record) => record.duringApply.p99Ms));
  const measured = records.length > 0;
  return [
    {
      goal: `apply of ${resources} resources in one manifest < 10 s`,
      measured: measured ? `${span(seconds, 2)} s` : '–',
      met: measured ? seconds.max < 10 : undefined,
    },
    {
      goal: `a listener's probe p99 during that apply < 50 ms`,
      measured: measured
        ? `${span(p99, 1)} ms (baseline ${span(summarize(records.map((record) => record.baseline.p99Ms)), 1)} ms)`
        : '–',
      met: measured ? p99.median < 50 : undefined,
    },
  ];
}

function probeRow(
  label: string,
  records: readonly ApplyRecord[],
  figures: (record: ApplyRecord) => ProbeFigures,
): string[] {
  const of = (value: (probe: ProbeFigures) => number): Summary =>
    summarize(records.map((record) => value(figures(record))));
  const failed = records.reduce((sum, record) => sum + figures(record).failed, 0);
  const probes = records.reduce((sum, record) => sum + figures(record).probes, 0);
  return [
    label,
    span(
      of((probe) => probe.p50Ms),
      1,
    ),
    span(
      of((probe) => probe.p99Ms),
      1,
    ),
    span(
      of((probe) => probe.maxMs),
      1,
    ),
    `${failed} of ${probes}`,
  ];
}

/** The section of the apply suite. */
export function applySection(records: readonly ApplyRecord[]): string {
  const resources = records[0]!.resources;
  const of = (value: (record: ApplyRecord) => number): Summary => summarize(records.map(value));
  return `## Large apply: ${resources} resources in one \`PUT /v1/manifest\` while a listener serves

A fresh agent per round, serving one HTTP listener (a load balancer of its own, in front of an nginx backend).
A probe on the client core opens a new connection to that listener every ${PROBE_INTERVAL_MS} ms (a worker thread of the
harness), sends one \`GET /\` and times it until the response has ended. First ${BASELINE_SECONDS} s of probing alone (the
baseline), then the manifest of ${resources / 5} load balancers on 127.1.x.y, each with a security group, server group,
backend service and HTTP listener, is put with one request (apply: from sending it until the agent's 200, every
resource ACTIVE); then the same stack is removed with an empty manifest. The probe's figures are of the probes
started in each window. HAProxy has no control API to compare with: its reloads start a new process, so
this figure reads only against the agent's own baseline and the < 50 ms goal.

${table(
  ['', 'seconds', 'last bulk listener accepting'],
  [
    [
      'apply',
      span(
        of((record) => record.applySeconds),
        2,
      ),
      records.map((record) => (record.lastListenerAccepted ? 'yes' : '**no**')).join(', '),
    ],
    [
      'remove',
      span(
        of((record) => record.removeSeconds),
        2,
      ),
      '–',
    ],
  ],
)}

Probe latency in ms (median of the rounds, with their range):

${table(
  ['', 'p50', 'p99', 'max', 'failed'],
  [
    probeRow('baseline', records, (record) => record.baseline),
    probeRow('during the apply', records, (record) => record.duringApply),
    probeRow('during the removal', records, (record) => record.duringRemove),
  ],
)}

Probes started: ${records
    .map((record) => number(record.baseline.probes + record.duringApply.probes + record.duringRemove.probes))
    .join(', ')}.
`;
}
