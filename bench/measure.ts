/** The CPU side of a measurement: per-core busy share and the proxy's own CPU time over a run. */
import { coreUsage, sampleCores, treeCpuSeconds, type CoreUsage } from './cpu';

/** CPU used while something ran. */
export interface CpuFigures {
  /** Each core's busy share and busy seconds. */
  cores: CoreUsage[];
  /** CPU seconds the proxy process (and its children) used; NaN without a proxy. */
  proxySeconds: number;
}

/** Starts measuring CPU now; the returned function ends the measurement. */
export function startCpuMeasure(pid: number | undefined): () => CpuFigures {
  const cores = sampleCores();
  const proxy = pid === undefined ? Number.NaN : treeCpuSeconds(pid);
  return () => ({
    cores: coreUsage(cores, sampleCores()),
    proxySeconds: pid === undefined ? Number.NaN : treeCpuSeconds(pid) - proxy,
  });
}

/** Samples a figure every `everyMs` until stopped; resolves with the samples taken (failed samples are dropped). */
export function sampleEvery(sample: () => Promise<number>, everyMs: number): () => Promise<number[]> {
  const values: number[] = [];
  let pending: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    pending = sample().then(
      (value) => void values.push(value),
      () => undefined,
    );
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await pending;
    return values;
  };
}
