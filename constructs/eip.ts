import type { Construct } from 'constructs';
import type { EipInput } from '../lib';
import { AlbResource, type IAlbResource } from './shared/alb-resource';
import { ImportedResource } from './shared/imported-resource';

/** A an elastic IP: a `Eip` construct or an imported reference (`Eip.fromResourceId`). */
export interface IEip extends IAlbResource {
  /** The kind: `Eip`. */
  readonly kind: 'Eip';
}

/** Props of an `Eip`: the model's fields. */
export type EipProps = EipInput;

/** An elastic IP. Give it to a load balancer to make it `public`; its listeners then bind this address too. */
export class Eip extends AlbResource implements IEip {
  /**
   * A reference to an elastic IP made elsewhere (another stack, another face), by its id on the agent. It synthesizes
   * no resource; the agent checks at deploy that it exists.
   */
  static fromResourceId(scope: Construct, id: string, resourceId: string): IEip {
    return new ImportedResource(scope, id, 'Eip', resourceId);
  }

  readonly kind = 'Eip' as const;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: EipProps,
  ) {
    super(scope, id);
  }

  /** The public address. */
  get address(): string {
    return this.props.address;
  }

  protected renderSpec(): Record<string, unknown> {
    return { address: this.props.address };
  }
}
