/**
 * The quickstart: one public load balancer on loopback with an HTTP listener on 8080 (two servers, weights
 * 3 and 1, cookie persistence, health check on /healthz) and a TCP listener on 8443 to a TCP backend.
 * `npm start` runs it; `npx albkit graph examples/quickstart/app.ts` prints its creation order.
 */
import { App, Eip, LoadBalancer } from 'albkit';

const app = new App();

const lb = new LoadBalancer(app, 'web', {
  zones: ['local-a'],
  vpc: { cidr: '127.0.0.0/8' },
  subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
  eip: new Eip(app, 'web-eip', { address: '127.0.0.10' }),
});

const servers = lb.addServerGroup('servers', {
  servers: [
    { name: 'a', address: '127.0.0.1', port: 9001, weight: 3 },
    { name: 'b', address: '127.0.0.1', port: 9002, weight: 1 },
  ],
});
const web = lb.addBackendService('web-backend', {
  protocol: 'HTTP',
  port: 9001,
  algorithm: 'WEIGHTED_ROUND_ROBIN',
  serverGroups: [servers],
  sessionPersistence: { enabled: true, cookieName: 'ALBKIT_SERVER' },
  healthCheck: { path: '/healthz', intervalMs: 2000, timeoutMs: 1000, healthyThreshold: 2, unhealthyThreshold: 2 },
});
lb.addListener('http', { protocol: 'HTTP', port: 8080, backendService: web });

const echo = lb.addServerGroup('tcp-servers', { servers: [{ name: 'echo', address: '127.0.0.1', port: 9003 }] });
const tcp = lb.addBackendService('tcp-backend', { protocol: 'TCP', port: 9003, serverGroups: [echo] });
lb.addListener('tcp', { protocol: 'TCP', port: 8443, backendService: tcp });

export default app;
