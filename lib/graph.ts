/** The dependency graph of a set of resources: creation waves, destroy waves, cycles. */
import { AlbkitError } from './errors';

/** What the graph needs of a resource. */
export interface Node {
  /** The node's id; unique among the nodes of one call. */
  id: string;
  /** Ids of the nodes it must come after. */
  dependsOn: readonly string[];
}

/** A dependency cycle, such as `a -> b -> a`. */
export class CycleError extends AlbkitError {
  /** The stable code to switch on. */
  readonly code = 'ALBKIT_CYCLE';
  /** @param cycle - the ids around the cycle, the first repeated at the end */
  constructor(readonly cycle: readonly string[]) {
    super(`dependency cycle: ${cycle.join(' -> ')}`);
    this.name = 'CycleError';
  }
}

/** Two nodes of a graph with one id. */
export class DuplicateIdError extends AlbkitError {
  /** The stable code to switch on. */
  readonly code = 'ALBKIT_DUPLICATE_ID';
  /** @param id - the id two nodes share */
  constructor(readonly id: string) {
    super(`dependency graph: id "${id}" is used by two nodes`);
    this.name = 'DuplicateIdError';
  }
}

/**
 * Creation waves: every resource comes in a wave after all of its dependencies; the resources of one wave
 * do not depend on each other and may be created in parallel. Ids within a wave are sorted. Dependencies on
 * ids outside `nodes` are taken as already satisfied. Throws `CycleError` naming a cycle, and `DuplicateIdError`
 * naming an id that two nodes share.
 */
export function createWaves(nodes: readonly Node[]): string[][] {
  const ids = new Set(nodes.map((node) => node.id));
  if (ids.size < nodes.length) {
    const twice = nodes.find((node, i) => nodes.findIndex((other) => other.id === node.id) !== i);
    throw new DuplicateIdError(twice?.id ?? '');
  }
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of nodes) {
    const deps = new Set(node.dependsOn.filter((dep) => ids.has(dep) && dep !== node.id));
    pending.set(node.id, deps.size);
    for (const dep of deps) {
      const list = dependents.get(dep);
      if (list) list.push(node.id);
      else dependents.set(dep, [node.id]);
    }
    if (node.dependsOn.includes(node.id)) throw new CycleError([node.id, node.id]);
  }
  const waves: string[][] = [];
  let ready = [...pending].filter(([, count]) => count === 0).map(([id]) => id);
  let placed = 0;
  while (ready.length > 0) {
    ready.sort();
    waves.push(ready);
    placed += ready.length;
    const next: string[] = [];
    for (const id of ready) {
      for (const dependent of dependents.get(id) ?? []) {
        const count = (pending.get(dependent) ?? 0) - 1;
        pending.set(dependent, count);
        if (count === 0) next.push(dependent);
      }
    }
    ready = next;
  }
  if (placed < nodes.length) throw new CycleError(findCycle(nodes, new Set(waves.flat())));
  return waves;
}

/** Destroy waves: the creation waves reversed, so every resource goes before what it depends on. */
export function destroyWaves(nodes: readonly Node[]): string[][] {
  return createWaves(nodes).reverse();
}

/** One cycle among the nodes not yet placed, as `[a, b, …, a]`. */
function findCycle(nodes: readonly Node[], placed: ReadonlySet<string>): string[] {
  const byId = new Map(nodes.filter((node) => !placed.has(node.id)).map((node) => [node.id, node]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    if (state.get(id) === 'done') return undefined;
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of [...(byId.get(id)?.dependsOn ?? [])].sort()) {
      if (!byId.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of [...byId.keys()].sort()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return [];
}

/**
 * `createWaves([...ordered, ...added]).flat()` for nodes `ordered` that are already in that order, without
 * building the waves again: one pass finds each node's wave (one more than its latest dependency's), the added
 * nodes are merged in. Made for a large valid state and a few changes, so a change costs a pass of map look-ups,
 * not a new sort of the state. Ids must be unique across both lists. Returns undefined when the nodes form a
 * cycle (`createWaves` names it).
 */
export function mergedCreationOrder(ordered: readonly Node[], added: readonly Node[]): string[] | undefined {
  const byId = new Map<string, Node>();
  for (const node of ordered) byId.set(node.id, node);
  for (const node of added) byId.set(node.id, node);
  const wave = new Map<string, number>();
  for (const node of ordered) {
    const known = waveAfterPlaced(node, byId, wave);
    if (known !== undefined) wave.set(node.id, known);
    else if (!placeInWave(node, byId, wave)) return undefined;
  }
  for (const node of added) if (!placeInWave(node, byId, wave)) return undefined;
  const before = (a: string, b: string): number =>
    (wave.get(a) as number) - (wave.get(b) as number) || (a < b ? -1 : a > b ? 1 : 0);
  const head = ordered.map((node) => node.id);
  const tail = added.map((node) => node.id).sort(before);
  // A change can move a node it is a dependency of to a later wave; then the state's order no longer holds.
  for (let i = 1; i < head.length; i += 1)
    if (before(head[i - 1] as string, head[i] as string) > 0) return [...head, ...tail].sort(before);
  const merged: string[] = [];
  let h = 0;
  for (const id of tail) {
    while (h < head.length && before(head[h] as string, id) < 0) merged.push(head[h++] as string);
    merged.push(id);
  }
  while (h < head.length) merged.push(head[h++] as string);
  return merged;
}

/**
 * The wave of `node` when each of its dependencies among the nodes has its wave already (in a list in creation
 * order, all but those that depend on a change), else undefined: the common case, without `placeInWave`'s walk.
 */
function waveAfterPlaced(
  node: Node,
  byId: ReadonlyMap<string, Node>,
  wave: ReadonlyMap<string, number>,
): number | undefined {
  let latest = -1;
  for (const dep of node.dependsOn) {
    const known = wave.get(dep);
    if (known !== undefined) latest = Math.max(latest, known);
    else if (byId.has(dep)) return undefined;
  }
  return latest + 1;
}

/**
 * Records in `wave` the wave of `start` and of the dependencies it needs, depth first without recursion (a chain
 * of thousands must not exhaust the stack); false when it meets a cycle.
 */
function placeInWave(start: Node, byId: ReadonlyMap<string, Node>, wave: Map<string, number>): boolean {
  if (wave.has(start.id)) return true;
  const path: Node[] = [start];
  const onPath = new Set<string>([start.id]);
  while (path.length > 0) {
    const node = path[path.length - 1] as Node;
    let latest = -1;
    let next: Node | undefined;
    for (const dep of node.dependsOn) {
      const target = byId.get(dep);
      if (target === undefined) continue;
      if (onPath.has(dep)) return false;
      const known = wave.get(dep);
      if (known === undefined) {
        next = target;
        break;
      }
      latest = Math.max(latest, known);
    }
    if (next) {
      path.push(next);
      onPath.add(next.id);
      continue;
    }
    path.pop();
    onPath.delete(node.id);
    wave.set(node.id, latest + 1);
  }
  return true;
}
