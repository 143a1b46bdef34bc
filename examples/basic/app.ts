import { App, LoadBalancer } from 'albkit';

const app = new App();
const lb = new LoadBalancer(app, 'web', {
  zones: ['zone-a'],
  vpc: { cidr: '127.0.0.0/8' },              // loopback, so a local agent can run it; in a cloud: 10.0.0.0/16
  subnet: { cidr: '127.0.0.0/24' },          // listeners bind the subnet's first host, 127.0.0.1
});
const servers = lb.addServerGroup('servers', {
  servers: [
    { name: 'a', address: '127.0.0.1', port: 9001, weight: 3 },
    { name: 'b', address: '127.0.0.1', port: 9002, weight: 1 },
  ],
});
const backend = lb.addBackendService('backend', {
  protocol: 'HTTP', port: 9001, serverGroups: [servers],
  sessionPersistence: { enabled: true },
  healthCheck: { path: '/healthz' },
});
lb.addListener('http', { protocol: 'HTTP', port: 8000, backendService: backend });

export default app;
