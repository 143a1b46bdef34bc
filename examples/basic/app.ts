import { App, LoadBalancer } from 'albkit';

const app = new App();
const lb = new LoadBalancer(app, 'web', {
  zones: ['zone-a'],
  vpc: { cidr: '10.0.0.0/16' },
  subnet: { cidr: '10.0.1.0/24' },          // listeners bind the subnet's first host, 10.0.1.1
});
const servers = lb.addServerGroup('servers', {
  servers: [
    { name: 'a', address: '10.0.2.1', port: 8080, weight: 3 },
    { name: 'b', address: '10.0.2.2', port: 8080, weight: 1 },
  ],
});
const backend = lb.addBackendService('backend', {
  protocol: 'HTTP', port: 8080, serverGroups: [servers],
  sessionPersistence: { enabled: true },
  healthCheck: { path: '/healthz' },
});
lb.addListener('http', { protocol: 'HTTP', port: 80, backendService: backend });

export default app;
