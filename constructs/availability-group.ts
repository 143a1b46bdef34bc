import type { Construct } from 'constructs';
import type { AvailabilityGroupInput, Instance } from '../lib';
import { AlbResource, defined } from './shared/alb-resource';

/** Props of an `AvailabilityGroup`: the model's fields. */
export type AvailabilityGroupProps = AvailabilityGroupInput;

/**
 * An availability group: a scalable group of instances across zones. Every instance gets the group's one
 * weight and serves on the port of the backend service that uses the group.
 */
export class AvailabilityGroup extends AlbResource {
  readonly kind = 'AvailabilityGroup' as const;
  private readonly instances: Instance[];

  constructor(scope: Construct, id: string, private readonly props: AvailabilityGroupProps = {}) {
    super(scope, id);
    this.instances = [...(props.instances ?? [])];
  }

  /** Adds an instance (scale out). */
  addInstance(instance: Instance): this {
    this.instances.push(instance);
    return this;
  }

  protected renderSpec(): Record<string, unknown> {
    return defined({ ...this.props, instances: this.instances });
  }
}
