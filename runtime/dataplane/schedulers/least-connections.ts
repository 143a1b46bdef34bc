/**
 * Weighted least connections: the usable server with the fewest in-flight requests (or connections) per unit
 * of weight. Ties go round robin: the scan starts just after the previous pick, and only a strictly lower
 * load displaces the first candidate found, so equal servers take turns.
 */
import { usable, type Schedulable, type Scheduler } from './scheduler';

export class WeightedLeastConnections<T extends Schedulable> implements Scheduler<T> {
  private servers: readonly T[] = [];
  private next = 0;

  reset(servers: readonly T[]): void {
    this.servers = servers;
    this.next = 0;
  }

  pick(_clientIp: string, exclude: T | undefined): T | undefined {
    const { servers } = this;
    const count = servers.length;
    let best: T | undefined;
    let bestIndex = 0;
    for (let step = 0; step < count; step++) {
      const index = (this.next + step) % count;
      const server = servers[index]!;
      if (!usable(server, exclude)) continue;
      // active/weight < best.active/best.weight, without division.
      if (best === undefined || server.active * best.weight < best.active * server.weight) {
        best = server;
        bestIndex = index;
      }
    }
    if (best !== undefined) this.next = (bestIndex + 1) % count;
    return best;
  }
}
