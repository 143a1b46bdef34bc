import type { Construct } from 'constructs';
import type { EipInput } from '../lib';
import { AlbResource } from './shared/alb-resource';

/** Props of an `Eip`: the model's fields. */
export type EipProps = EipInput;

/** An elastic IP. Give it to a load balancer to make it `public`; its listeners then bind this address too. */
export class Eip extends AlbResource {
  readonly kind = 'Eip' as const;

  constructor(scope: Construct, id: string, private readonly props: EipProps) {
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
