/**
 * albkit for CDKTF: the L2 constructs inside a `TerraformStack` (`new LoadBalancer(stack, 'web', {...})`,
 * `lb.addListener(...)`, …) over the L1 bindings generated from terraform-provider-albkit's schema.
 */
export * from './resources';
export { bindToTerraform, terraformResourceOf, L1_ID } from './binding';
export { AlbkitProvider, type AlbkitProviderConfig } from './gen/providers/albkit/provider';
export * as l1 from './gen/providers/albkit';
export type {
  AddBackendServiceProps,
  AddListenerProps,
  AddServerGroupProps,
  AvailabilityGroupProps,
  BackendServiceProps,
  EipProps,
  HealthCheckProps,
  IngressRuleProps,
  ListenerProps,
  LoadBalancerProps,
  SecurityGroupProps,
  ServerGroupProps,
  ServerProps,
  SessionPersistenceProps,
} from '../index';
