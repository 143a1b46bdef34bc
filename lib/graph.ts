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
