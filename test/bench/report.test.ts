import { expect } from 'chai';
import type { HttpRecord, BenchResults } from '../../bench/record';
import { renderReport, roundRatios, span } from '../../bench/report';
import { summarize } from '../../bench/stats';

const window = { fromMicros: 0, toMicros: 1 };

function http(target: string, round: number, requestsPerSecond: number, p99Ms: number): HttpRecord {
  return {
    target,
    connections: 50,
    round,
    requestsPerSecond,
    p50Ms: p99Ms / 4,
    p99Ms,
    errors: 0,
    coreMicrosPerRequest: 20,
    processMicrosPerRequest: 15,
    clientCoreBusy: 90,
    proxyCoreBusy: 99,
    idlePercent: target === 'HAProxy' ? 12 : Number.NaN,
    backendConnections: 50,
    window,
  };
}

const results: BenchResults = {
  http: [
    http('HAProxy', 1, 40000, 2),
    http('albkit', 1, 28000, 4),
    http('HAProxy', 2, 20000, 4),
    http('albkit', 2, 10000, 12),
  ],
  tcp: [
    {
      target: 'HAProxy',
      direction: 'upload',
      round: 1,
      bytes: 1000,
      seconds: 1,
      gigabytesPerSecond: 2,
      cpuSecondsPerGigabyte: 0.3,
      proxyCoreBusy: 90,
      window,
    },
    {
      target: 'albkit',
      direction: 'upload',
      round: 1,
      bytes: 1000,
      seconds: 1,
      gigabytesPerSecond: 1.8,
      cpuSecondsPerGigabyte: 0.5,
      proxyCoreBusy: 99,
      window,
    },
  ],
  control: [
    {
      round: 1,
      resources: 301,
      deployWallSeconds: 1.5,
      deployApplySeconds: 1.1,
      destroyWallSeconds: 2.5,
      destroyApplySeconds: 2.1,
      listeningAfterDeploy: 100,
      listeningAfterDestroy: 0,
      portsClosedMs: 0,
      deployWaves: [
        { wave: 1, steps: 1, meanMs: 20, slowestMs: 20 },
        { wave: 2, steps: 100, meanMs: 90.4, slowestMs: 180 },
      ],
      destroyWaves: [{ wave: 1, steps: 100, meanMs: 50, slowestMs: 70 }],
    },
  ],
  reconfig: [],
  apply: [],
  profiles: [],
  failures: ['tcp round 2 albkit: the sink received 10 bytes of 1000'],
};

const input = {
  date: '2026-01-01T00:00:00.000Z',
  command: 'npm run bench -- --rounds 2',
  machine: {
    cpu: 'Test CPU, 2 cores',
    memory: '4 GiB',
    kernel: 'Linux 6.1',
    loadAverage: '0.10, 0.20, 0.30',
    versions: { haproxy: '2.6.12' },
  },
  rounds: 2,
  duration: 10,
  warmup: 3,
  tcpBytes: 2 ** 31,
  targets: [
    { name: 'HAProxy', description: 'the reference' },
    { name: 'albkit', description: 'the agent' },
  ],
  results,
};

describe('benchmark report', () => {
  it('gives each round’s ratio to HAProxy in the same round, not a ratio of medians', () => {
    const ratios = roundRatios(results.http, 'albkit', (record) => record.requestsPerSecond);
    expect(ratios).to.deep.equal({ median: 0.6, min: 0.5, max: 0.7, count: 2 });
  });

  it('writes a figure as its median with the range', () => {
    expect(span(summarize([1, 2, 3]), 1)).to.equal('2.0 (1.0–3.0)');
    expect(span(summarize([7]))).to.equal('7');
    expect(span(summarize([]))).to.equal('–');
  });

  it('renders the date, command, machine, tables and where each target stands', () => {
    const text = renderReport(input);
    expect(text).to.include('2026-01-01T00:00:00.000Z');
    expect(text).to.include('npm run bench -- --rounds 2');
    expect(text).to.include('- haproxy 2.6.12');
    expect(text).to.match(/\| HTTP c=50: albkit req\/s ≥ 0.6 × HAProxy \| 0.60 \(0.50–0.70\); fastify – \| met \|/);
    expect(text).to.match(/\| HTTP c=50: albkit p99 ≤ 2.5 × HAProxy \| 2.50 \(2.00–3.00\) \| met \|/);
    expect(text).to.match(
      /\| TCP upload: albkit GB\/s ≥ 0.8 × HAProxy \| 0.90 \(CPU per GB 1.67 × HAProxy's\) \| met \|/,
    );
    expect(text).to.match(/\| TCP download: albkit GB\/s ≥ 0.8 × HAProxy \| – \| not measured \|/);
    expect(text).to.include('## TCP upload, one connection');
    expect(text).to.match(/\| deploy of 301 resources < 2 s \| 1.50 s \| met \|/);
    expect(text).to.match(/\| destroy of 301 resources < 2 s \| 2.50 s \| \*\*missed\*\* \|/);
    expect(text).to.match(/\| 0 failed requests .* \| – \| not measured \|/);
    expect(text).to.match(/\| albkit \| 19000 \(10000–28000\) \| 0.60 \(0.50–0.70\) \|/);
    expect(text).to.match(/\| HAProxy \| .* \| 12 \| 50 \| 0 \|/);
    expect(text).to.match(/\| deploy \| 1 × 20 \(≤ 20\) \| 100 × 90 \(≤ 180\) \|/);
    expect(text).to.include('## Failures');
    expect(text).to.include('the sink received 10 bytes of 1000');
    expect(text).not.to.include('## Reconfiguration under load');
    expect(text).to.match(/\| apply of 10000 resources in one manifest < 10 s \| – \| not measured \|/);
    expect(text).not.to.include('## Large apply');
  });

  it('renders the large apply: its time, the probe before, during and after, and the goals', () => {
    const probe = (p99Ms: number, failed = 0) => ({ probes: 300, failed, p50Ms: p99Ms / 4, p99Ms, maxMs: p99Ms * 2 });
    const apply = [1, 2, 3].map((round) => ({
      round,
      resources: 10000,
      applySeconds: 3 + round,
      removeSeconds: 2,
      lastListenerAccepted: round !== 2,
      baseline: probe(2),
      duringApply: probe(30 + 10 * round, round === 3 ? 1 : 0),
      duringRemove: probe(20),
    }));
    const text = renderReport({ ...input, results: { ...results, apply } });
    expect(text).to.include('## Large apply: 10000 resources in one `PUT /v1/manifest` while a listener serves');
    expect(text).to.include('the manifest of 2000 load balancers');
    expect(text).to.match(/\| apply \| 5.00 \(4.00–6.00\) \| yes, \*\*no\*\*, yes \|/);
    expect(text).to.match(
      /\| during the apply \| 12.5 \(10.0–15.0\) \| 50.0 \(40.0–60.0\) \| 100.0 \(80.0–120.0\) \| 1 of 900 \|/,
    );
    expect(text).to.match(/\| apply of 10000 resources in one manifest < 10 s \| 5.00 \(4.00–6.00\) s \| met \|/);
    expect(text).to.match(
      /\| a listener's probe p99 during that apply < 50 ms \| 50.0 \(40.0–60.0\) ms \(baseline 2.0 ms\) \| \*\*missed\*\* \|/,
    );
  });

  it('appends the hand-written notes', () => {
    expect(renderReport({ ...input, notes: '## What limits albkit\n\nthe profile says…\n' })).to.match(
      /## What limits albkit\n\nthe profile says…\n$/,
    );
  });
});
