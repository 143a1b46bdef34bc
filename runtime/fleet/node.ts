/**
 * What an agent says about itself to its fleet: its node id (from `--node-id`, else kept in the state
 * directory), zone, addresses and version, and the last state revision it applied.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic';

/** One agent of a fleet, as `GET /v1/nodes` lists it. */
export interface NodeInfo {
  /** The node id: unique in the fleet. */
  id: string;
  /** The zone the agent was started in (`--zone`); absent when none was given. */
  zone?: string;
  /** The control API's base URL. */
  endpoint: string;
  /** The machine's own (non-loopback) interface addresses: where its listeners are reached. */
  addresses: string[];
  /** The albkit version the agent runs. */
  version: string;
  /** The state revision the agent last applied to its data plane (etcd's revision; the file store's write count). */
  appliedRevision: string;
  /** True for the node the fleet's election chose to run the fleet-once work (retries of FAILED resources). */
  leader: boolean;
}

/** What a node id may hold: it is a key segment in etcd and a word in messages. */
const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Checks a `--node-id`; throws naming the option. */
export function checkNodeId(id: string): string {
  if (!NODE_ID.test(id))
    throw new Error(
      `--node-id: "${id}" must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  return id;
}

/**
 * The node id of the agent on `stateDir`: `given` when set, else the one kept in `<state-dir>/node-id`, made
 * once from the host name and a short random suffix (so two agents on one machine differ, and a restarted
 * agent is the same node).
 */
export async function nodeIdOf(stateDir: string, given: string | undefined): Promise<string> {
  if (given !== undefined) return checkNodeId(given);
  const file = join(stateDir, 'node-id');
  const kept = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new Error(`${file}: cannot read the node id: ${error.message}`);
    },
  );
  if (kept !== undefined) return checkNodeId(kept);
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 50) || 'node';
  const id = `${host}-${randomBytes(3).toString('hex')}`;
  await writeFileAtomic(file, `${id}\n`, 0o644);
  return id;
}

/** The machine's non-internal interface addresses, sorted. */
export function interfaceAddresses(): string[] {
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((address) => !address.internal)
    .map((address) => address.address);
  return [...new Set(addresses)].sort();
}
