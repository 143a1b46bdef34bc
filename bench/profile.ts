/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and ranks functions by self time: what the bench report names as
 * the hot spots of albkit's proxy.
 */

/** One node of a `.cpuprofile`. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** The parts of a `.cpuprofile` read here. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A function's share of the busy samples. */
export interface HotFunction {
  /** `name (file:line)`, the file relative to the repository or node_modules, or `(program)`, `(garbage collector)`. */
  name: string;
  /** Share of the samples in which the process was not idle, in percent. */
  selfPercent: number;
}

/** Where a frame lives, shortened: `runtime/dataplane/http-proxy.js:42`, `node:_http_server:301`, `undici/lib/…:12`. */
export function frameLocation(url: string, lineNumber: number): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  const dist = path.lastIndexOf('/dist/');
  const short =
    modules >= 0
      ? path.slice(modules + '/node_modules/'.length)
      : dist >= 0
        ? path.slice(dist + '/dist/'.length)
        : path;
  return `${short}:${lineNumber + 1}`;
}

/** A span of time on the monotonic clock in µs, the clock of both V8's profiles and `process.hrtime`. */
export interface TimeWindow {
  fromMicros: number;
  toMicros: number;
}

/** Samples per function (name and location), the same function reached by several paths added up. */
function selfSamples(profile: CpuProfile, window?: TimeWindow): { name: string; file: string; share: number }[] {
  const byNode = new Map<number, number>();
  if (profile.samples && profile.samples.length > 0) {
    let time = profile.startTime;
    profile.samples.forEach((id, index) => {
      time += profile.timeDeltas?.[index] ?? 0;
      if (window && (time < window.fromMicros || time > window.toMicros)) return;
      byNode.set(id, (byNode.get(id) ?? 0) + 1);
    });
  } else {
    for (const node of profile.nodes) byNode.set(node.id, node.hitCount ?? 0);
  }
  // idle time is not the proxy's work: shares are of the samples where the process was busy
  for (const node of profile.nodes) if (node.callFrame.functionName === '(idle)') byNode.delete(node.id);
  const total = [...byNode.values()].reduce((sum, count) => sum + count, 0);
  const byName = new Map<string, { name: string; file: string; share: number }>();
  for (const node of profile.nodes) {
    const count = byNode.get(node.id) ?? 0;
    if (count === 0 || total === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const location = frameLocation(url, lineNumber);
    const name = `${functionName || '(anonymous)'}${location ? ` (${location})` : ''}`;
    const entry = byName.get(name) ?? { name, file: location ? location.replace(/:\d+$/, '') : name, share: 0 };
    entry.share += (100 * count) / total;
    byName.set(name, entry);
  }
  return [...byName.values()];
}

function rank(totals: Map<string, number>, top: number): HotFunction[] {
  return [...totals.entries()]
    .map(([name, selfPercent]) => ({ name, selfPercent }))
    .sort((a, b) => b.selfPercent - a.selfPercent)
    .slice(0, top);
}

/** Functions by self time, highest first; only samples inside `window` when one is given. */
export function hotFunctions(profile: CpuProfile, top = 25, window?: TimeWindow): HotFunction[] {
  return rank(new Map(selfSamples(profile, window).map((entry) => [entry.name, entry.share])), top);
}

/** Self time added up by file (or by `(program)`, `(garbage collector)`…), highest first. */
export function hotFiles(profile: CpuProfile, top = 15, window?: TimeWindow): HotFunction[] {
  const byFile = new Map<string, number>();
  for (const entry of selfSamples(profile, window)) byFile.set(entry.file, (byFile.get(entry.file) ?? 0) + entry.share);
  return rank(byFile, top);
}
