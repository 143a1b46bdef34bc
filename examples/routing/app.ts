// Content routing with the L2 constructs: host and path rules, a 90/10 canary by weighted forward, a fixed
// response, and HTTP → HTTPS in one line. `albkit plan examples/routing/app.ts` shows the url map's wave.
import { App, ListenerAction, ListenerCondition, LoadBalancer } from 'albkit';

const app = new App();
const lb = new LoadBalancer(app, 'shop', {
  zones: ['zone-a'],
  vpc: { cidr: '127.0.0.0/8' },
  subnet: { cidr: '127.0.0.0/24' },
});
const servers = lb.addServerGroup('servers', {
  servers: [
    { name: 'stable', address: '127.0.0.1', port: 9001 },
    { name: 'canary', address: '127.0.0.1', port: 9002 },
  ],
});
const stable = lb.addBackendService('stable', { protocol: 'HTTP', port: 9001, serverGroups: [servers] });
const canary = lb.addBackendService('canary', { protocol: 'HTTP', port: 9002, serverGroups: [servers] });

const https = lb.addListener('https', {
  protocol: 'HTTPS',
  port: 8443,
  backendService: stable, // a request no rule matches
  certificate: { certFile: 'certs/shop.pem', keyFile: 'certs/shop-key.pem' },
});
https
  .addRule({
    priority: 10, // the API host goes to the canary
    conditions: [ListenerCondition.hostHeaders(['api.example.com'])],
    action: ListenerAction.forward(canary),
  })
  .addRule({
    priority: 20, // the old catalogue moved
    conditions: [ListenerCondition.pathPatterns(['/catalogue/*'])],
    action: ListenerAction.redirect({ path: '/shop/' }),
  })
  .addRule({
    priority: 30, // answered by the load balancer itself
    conditions: [ListenerCondition.pathPatterns(['/ping'])],
    action: ListenerAction.fixedResponse(200, { body: 'pong' }),
  })
  .addRule({
    priority: 40, // the canary gets 10 % of the shop
    conditions: [ListenerCondition.pathPatterns(['/shop/*'])],
    action: ListenerAction.weightedForward([
      { backendService: stable, weight: 90 },
      { backendService: canary, weight: 10 },
    ]),
  });

lb.addRedirect({ sourcePort: 8080, targetPort: 8443 }); // HTTP on 8080 answers 301 to HTTPS on 8443

export default app;
