/**
 * Smooth weighted round robin (the algorithm nginx uses): each pick adds every usable server's weight to its
 * running score, takes the highest score and subtracts the total weight from it. Over any window of
 * `sum(weights)` picks each server gets exactly its share, and picks interleave: weights 5:1:1 give
 * `a a b a c a a`, never five `a` in a row.
 */
import { usable, type Schedulable, type Scheduler } from './scheduler';

export class SmoothRoundRobin<T extends Schedulable> implements Scheduler<T> {
  private servers: readonly T[] = [];
  private scores = new Float64Array(0);

  reset(servers: readonly T[]): void {
    const previous = new Map(this.servers.map((server, index) => [server.key, this.scores[index]!]));
    this.servers = servers;
    this.scores = Float64Array.from(servers, (server) => previous.get(server.key) ?? 0);
  }

  pick(_clientIp: string, exclude: T | undefined): T | undefined {
    const { servers, scores } = this;
    let total = 0;
    let best = -1;
    for (let i = 0; i < servers.length; i++) {
      const server = servers[i]!;
      if (!usable(server, exclude)) continue;
      scores[i]! += server.weight;
      total += server.weight;
      if (best < 0 || scores[i]! > scores[best]!) best = i;
    }
    if (best < 0) return undefined;
    scores[best]! -= total;
    return servers[best];
  }
}
