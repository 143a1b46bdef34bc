import { kindResource } from './resource';
import type { ArgsOf } from './types';

/** The arguments of a {@link AvailabilityGroup}: the model's AvailabilityGroup fields plus the connection. */
export type AvailabilityGroupArgs = ArgsOf<'AvailabilityGroup'>;

/**
 * An availability group on the albkit agent: instances across zones sharing one weight, serving on the port of
 * the backend service that uses them.
 *
 * @example
 * const group = new AvailabilityGroup('web/app', { endpoint, token, instances: [{ address: '127.0.0.1', zone: 'local-a' }] });
 */
export class AvailabilityGroup extends kindResource('AvailabilityGroup') {}
