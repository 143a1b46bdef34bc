/** The schedulers, one per algorithm of the model. */
import type { Algorithm } from '../../../lib';
import { WeightedLeastConnections } from './least-connections';
import { SmoothRoundRobin } from './round-robin';
import type { Schedulable, Scheduler } from './scheduler';
import { SourceIpHash } from './source-ip';

export type { Schedulable, Scheduler } from './scheduler';
export { SmoothRoundRobin } from './round-robin';
export { WeightedLeastConnections } from './least-connections';
export { SourceIpHash, hashAddress } from './source-ip';

/** A new, empty scheduler for `algorithm`. */
export function createScheduler<T extends Schedulable>(algorithm: Algorithm): Scheduler<T> {
  switch (algorithm) {
    case 'WEIGHTED_ROUND_ROBIN':
      return new SmoothRoundRobin<T>();
    case 'WEIGHTED_LEAST_CONNECTIONS':
      return new WeightedLeastConnections<T>();
    case 'SOURCE_IP':
      return new SourceIpHash<T>();
  }
}
