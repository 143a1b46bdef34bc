/**
 * Source IP: consistent hashing of the client address onto a ring of server points (ketama style). Each server
 * with weight > 0 owns points in proportion to its weight (up to `POINTS_PER_SERVER` for the heaviest), so a
 * client keeps its server across requests, and adding or removing one of n servers moves only about 1/n of
 * the clients. An unhealthy server keeps its points: its clients go to the next server on the ring and come
 * back when it recovers, while everyone else stays put.
 */
import { createHash } from 'node:crypto';
import { usable, type Schedulable, type Scheduler } from './scheduler';

/** Ring points of the heaviest server; lighter ones get proportionally fewer (at least one). */
export const POINTS_PER_SERVER = 160;

export class SourceIpHash<T extends Schedulable> implements Scheduler<T> {
  private servers: readonly T[] = [];
  private hashes = new Uint32Array(0);
  private owners = new Int32Array(0);

  reset(servers: readonly T[]): void {
    this.servers = servers;
    const maxWeight = Math.max(0, ...servers.map((server) => server.weight));
    const points: Array<{ hash: number; owner: number }> = [];
    servers.forEach((server, owner) => {
      if (server.weight === 0) return;
      const count = Math.max(1, Math.round((POINTS_PER_SERVER * server.weight) / maxWeight));
      for (let block = 0; block * 4 < count; block++) {
        const digest = createHash('md5').update(`${server.key}#${block}`).digest();
        for (let part = 0; part < 4 && block * 4 + part < count; part++) {
          points.push({ hash: digest.readUInt32LE(part * 4), owner });
        }
      }
    });
    points.sort((a, b) => a.hash - b.hash || a.owner - b.owner);
    this.hashes = Uint32Array.from(points, (point) => point.hash);
    this.owners = Int32Array.from(points, (point) => point.owner);
  }

  pick(clientIp: string, exclude: T | undefined): T | undefined {
    const { hashes, owners, servers } = this;
    const length = hashes.length;
    if (length === 0) return undefined;
    const start = lowerBound(hashes, hashAddress(clientIp)) % length;
    for (let step = 0; step < length; step++) {
      const server = servers[owners[(start + step) % length]!]!;
      if (usable(server, exclude)) return server;
    }
    return undefined;
  }
}

/** A well-mixed 32-bit hash of an address: FNV-1a, then murmur3's finalizer. */
export function hashAddress(address: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) {
    hash = Math.imul(hash ^ address.charCodeAt(i), 0x01000193);
  }
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** The first index whose value is ≥ `value` (the array's length when there is none). */
function lowerBound(sorted: Uint32Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
