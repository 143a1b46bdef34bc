import type { Construct } from 'constructs';
import type { AvailabilityGroupInput, Instance } from '../lib';
import { AlbResource, defined, type IAlbResource } from './shared/alb-resource';
import { ImportedResource } from './shared/imported-resource';

/** A an availability group: a `AvailabilityGroup` construct or an imported reference (`AvailabilityGroup.fromResourceId`). */
export interface IAvailabilityGroup extends IAlbResource {
  /** The kind: `AvailabilityGroup`. */
  readonly kind: 'AvailabilityGroup';
}

/** Props of an `AvailabilityGroup`: the model's fields. */
export type AvailabilityGroupProps = AvailabilityGroupInput;

/**
 * An availability group: a scalable group of instances across zones. Every instance gets the group's one
 * weight and serves on the port of the backend service that uses the group.
 */
export class AvailabilityGroup extends AlbResource implements IAvailabilityGroup {
  /**
   * A reference to an availability group made elsewhere (another stack, another face), by its id on the agent. It synthesizes
   * no resource; the agent checks at deploy that it exists.
   */
  static fromResourceId(scope: Construct, id: string, resourceId: string): IAvailabilityGroup {
    return new ImportedResource(scope, id, 'AvailabilityGroup', resourceId);
  }

  readonly kind = 'AvailabilityGroup' as const;
  private readonly instances: Instance[];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AvailabilityGroupProps = {},
  ) {
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
