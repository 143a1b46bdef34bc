/**
 * Network namespaces for fleet tests: one per node, each a machine of its own (its own loopback, so every node
 * binds the same listener address), joined to the root namespace by a veth on one bridge. The root namespace
 * holds the bridge address (etcd and the backends listen there); node i has 10.77.0.(10 + i). Everything is made
 * and removed by name, so a failed run's leftovers are cleared by the next one.
 */
import { spawnSync } from 'node:child_process';

const BRIDGE = 'albkit-fbr';
/** The root namespace's address on the bridge. */
export const BRIDGE_ADDRESS = '10.77.0.1';

export interface NodeNamespace {
  name: string;
  /** The node's address on the bridge, reachable from the root namespace. */
  address: string;
}

function ip(...args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`,
  };
}

function must(...args: string[]): void {
  const result = ip(...args);
  if (!result.ok) throw new Error(`ip ${args.join(' ')}: ${result.output.trim()}`);
}

/** Removes the namespaces and the bridge (the veths go with their namespace); absent ones are fine. */
export function removeNamespaces(count: number): void {
  for (let index = 0; index < count; index += 1) ip('netns', 'del', `albkit-fleet-${index}`);
  ip('link', 'del', BRIDGE);
}

/**
 * Makes `count` node namespaces on the bridge. Returns why it cannot (not root, no `ip`, no netns support)
 * instead of throwing, for the caller to print a SKIPPED line.
 */
export function makeNamespaces(count: number): NodeNamespace[] | string {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  removeNamespaces(count);
  const probe = ip('link', 'add', BRIDGE, 'type', 'bridge');
  if (!probe.ok) return `cannot make a bridge: ${probe.output.trim()}`;
  try {
    must('addr', 'add', `${BRIDGE_ADDRESS}/24`, 'dev', BRIDGE);
    must('link', 'set', BRIDGE, 'up');
    const nodes: NodeNamespace[] = [];
    for (let index = 0; index < count; index += 1) {
      const name = `albkit-fleet-${index}`;
      const address = `10.77.0.${10 + index}`;
      must('netns', 'add', name);
      must('link', 'add', `albkit-fv${index}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name);
      must('link', 'set', `albkit-fv${index}`, 'master', BRIDGE, 'up');
      must('-n', name, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      must('-n', name, 'link', 'set', 'eth0', 'up');
      must('-n', name, 'link', 'set', 'lo', 'up');
      nodes.push({ name, address });
    }
    return nodes;
  } catch (error) {
    removeNamespaces(count);
    return (error as Error).message;
  }
}
