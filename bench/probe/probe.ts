/**
 * A probe of one listener while something else happens (a large apply): new connections at a steady pace
 * from a worker thread, each timed until its response ended. `startProbe` starts it, `stop` returns every
 * sample, and `probeFigures` summarizes the samples of a time window.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TimeWindow } from '../profile';

/** Where and how often the probe connects. */
export interface ProbeTarget {
  host: string;
  port: number;
  /** Milliseconds between two probes' starts. */
  intervalMs: number;
  /** A probe without a complete 200 response after this long counts as failed. */
  timeoutMs: number;
}

/** One probe: when it started (monotonic clock, µs), how long it took, and whether it got its 200. */
export interface ProbeSample {
  startedMicros: number;
  ms: number;
  ok: boolean;
}

/** What the probes started in one window showed. */
export interface ProbeFigures {
  probes: number;
  failed: number;
  /** Latency of the probes that got their answer, in ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** A running probe. */
export interface RunningProbe {
  /** Stops starting probes, waits for those in flight, and returns every sample. */
  stop(): Promise<ProbeSample[]>;
}

/** Starts probing `target` from a worker thread. */
export function startProbe(target: ProbeTarget): RunningProbe {
  const worker = new Worker(join(__dirname, 'probe-worker.js'), { workerData: target });
  const samples = new Promise<ProbeSample[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the probe worker exited (code ${code}) without its samples`)));
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const all = await samples;
      await worker.terminate();
      return all;
    },
  };
}

/** The `fraction` quantile (nearest rank) of sorted values; NaN when there are none. */
function quantile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

/** The figures of the probes that started inside `window`. */
export function probeFigures(samples: readonly ProbeSample[], window: TimeWindow): ProbeFigures {
  const inside = samples.filter(
    (sample) => sample.startedMicros >= window.fromMicros && sample.startedMicros <= window.toMicros,
  );
  const answered = inside
    .filter((sample) => sample.ok)
    .map((sample) => sample.ms)
    .sort((a, b) => a - b);
  return {
    probes: inside.length,
    failed: inside.length - answered.length,
    p50Ms: quantile(answered, 0.5),
    p99Ms: quantile(answered, 0.99),
    maxMs: answered.length > 0 ? (answered[answered.length - 1] as number) : Number.NaN,
  };
}
