/**
 * albkit for Pulumi (`albkit/pulumi`): one dynamic resource per component kind, talking to the albkit agent's
 * control API, plus the `Alb` component that builds a whole load balancer in one line.
 */
export { SecurityGroup, type SecurityGroupArgs } from './security-group';
export { Eip, type EipArgs } from './eip';
export { AvailabilityGroup, type AvailabilityGroupArgs } from './availability-group';
export { LoadBalancer, type LoadBalancerArgs } from './load-balancer';
export { ServerGroup, type ServerGroupArgs } from './server-group';
export { BackendService, type BackendServiceArgs } from './backend-service';
export { UrlMap, type UrlMapArgs } from './url-map';
export { Listener, type ListenerArgs } from './listener';
export { Alb, type AlbArgs, type AlbListenerArgs, type AlbBackendArgs, type AlbTargetArgs } from './alb';
export { AlbResource, kindResource, type AlbResourceClass } from './resource';
export { albkitProvider, type ProviderKind } from './provider';
export { validateSpec } from './validate';
export type { ArgsOf, ConnectionArgs, DeepInput, InputOf, OutputsOf, ResourceStatus, ServerStatus } from './types';
