/** The generated L1 resource class of each kind (constructs/cdktf/gen, made from the provider schema). */
import type { Construct } from 'constructs';
import type { TerraformResource } from 'cdktf';
import type { Kind } from '../../lib';
import { AvailabilityGroup } from './gen/providers/albkit/availability-group';
import { BackendService } from './gen/providers/albkit/backend-service';
import { Eip } from './gen/providers/albkit/eip';
import { Listener } from './gen/providers/albkit/listener';
import { LoadBalancer } from './gen/providers/albkit/load-balancer';
import { SecurityGroup } from './gen/providers/albkit/security-group';
import { ServerGroup } from './gen/providers/albkit/server-group';
import { UrlMap } from './gen/providers/albkit/url-map';

/** An L1 resource: a Terraform resource whose `id` other resources refer to. */
export type L1Resource = TerraformResource & { readonly id: string };

/** The constructor every generated L1 class has. */
export type L1Class = new (scope: Construct, id: string, config: never) => L1Resource;

/** The L1 class of each kind. */
export const L1_CLASSES: { readonly [K in Kind]: L1Class } = {
  SecurityGroup: SecurityGroup,
  Eip: Eip,
  AvailabilityGroup: AvailabilityGroup,
  LoadBalancer: LoadBalancer,
  ServerGroup: ServerGroup,
  BackendService: BackendService,
  UrlMap: UrlMap,
  Listener: Listener,
};
