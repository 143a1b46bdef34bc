import type { Construct } from 'constructs';
import type { SecurityGroupInput } from '../lib';
import { AlbResource, type IAlbResource } from './shared/alb-resource';
import { ImportedResource } from './shared/imported-resource';

/** A a security group: a `SecurityGroup` construct or an imported reference (`SecurityGroup.fromResourceId`). */
export interface ISecurityGroup extends IAlbResource {
  /** The kind: `SecurityGroup`. */
  readonly kind: 'SecurityGroup';
}

/** Props of a `SecurityGroup`: the model's fields. */
export type SecurityGroupProps = SecurityGroupInput;

/** One ingress rule as users write it; omitted fields take the model's defaults. */
export type IngressRuleProps = NonNullable<SecurityGroupInput['ingress']>[number];

/** A security group: ingress rules the load balancer enforces when its listeners accept a connection. */
export class SecurityGroup extends AlbResource implements ISecurityGroup {
  /**
   * A reference to a security group made elsewhere (another stack, another face), by its id on the agent. It synthesizes
   * no resource; the agent checks at deploy that it exists.
   */
  static fromResourceId(scope: Construct, id: string, resourceId: string): ISecurityGroup {
    return new ImportedResource(scope, id, 'SecurityGroup', resourceId);
  }

  readonly kind = 'SecurityGroup' as const;
  private ingress: IngressRuleProps[] | undefined;

  constructor(scope: Construct, id: string, props: SecurityGroupProps = {}) {
    super(scope, id);
    this.ingress = props.ingress ? [...props.ingress] : undefined;
  }

  /**
   * Allows connections from `cidr` to listener ports `fromPort`–`toPort`. The first rule added replaces the
   * open-to-all default.
   */
  addIngressRule(rule: IngressRuleProps): this {
    this.ingress = [...(this.ingress ?? []), rule];
    return this;
  }

  protected renderSpec(): Record<string, unknown> {
    return this.ingress ? { ingress: this.ingress } : {};
  }
}
