/**
 * Compile-time checks, built with the rest of the tree: each `@ts-expect-error` line must be a type error
 * (tsc fails on one that is not), so props typed with the `I…` interfaces refuse a resource of another kind,
 * construct or imported, and take either of the right kind.
 */
import { App, BackendService, Eip, Listener, LoadBalancer, SecurityGroup, ServerGroup } from '../../../constructs';

export function wrongKinds(): void {
  const app = new App();
  const lb = LoadBalancer.fromResourceId(app, 'lb', 'shared');
  const group = SecurityGroup.fromResourceId(app, 'sg', 'shared-sg');
  const servers = new ServerGroup(app, 'servers', { loadBalancer: lb });
  const backend = BackendService.fromResourceId(app, 'backend', 'shared/backend');

  // @ts-expect-error a security group is no load balancer
  new ServerGroup(app, 'bad-lb', { loadBalancer: group });
  // @ts-expect-error a server group is no backend service
  new Listener(app, 'bad-backend', { loadBalancer: lb, backendService: servers, protocol: 'HTTP', port: 80 });
  // The error must stay on the line after its directive.
  // prettier-ignore
  // @ts-expect-error an imported EIP is no security group
  new LoadBalancer(app, 'bad-sg', { zones: ['a'], vpc: { cidr: '10.0.0.0/8' }, subnet: { cidr: '10.0.0.0/24' }, securityGroups: [Eip.fromResourceId(app, 'eip', 'e')] });
  // The error must stay on the line after its directive.
  // prettier-ignore
  // @ts-expect-error a listener is no server group
  new BackendService(app, 'bad-group', { loadBalancer: lb, protocol: 'HTTP', serverGroups: [Listener.fromResourceId(app, 'l', 'x')] });

  // Imported references and constructs of the right kind are both taken.
  new Listener(app, 'http', { loadBalancer: lb, backendService: backend, protocol: 'HTTP', port: 80 });
  new BackendService(app, 'own', { loadBalancer: lb, protocol: 'HTTP', serverGroups: [servers] });
}
