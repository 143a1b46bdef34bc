/**
 * The quickstart load balancer as a CDKTF stack: one public load balancer on loopback (EIP 127.0.0.10) with an
 * HTTP listener (two servers, weights 3 and 1, cookie persistence, health check on /) and a TCP listener.
 * The provider finds the agent through ALBKIT_STATE_DIR (or ALBKIT_ENDPOINT and ALBKIT_TOKEN) at deploy time.
 * See README.md: `cdktf synth`, `cdktf deploy --skip-provider-lock`, `cdktf destroy --skip-provider-lock`.
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { Eip, LoadBalancer } from 'albkit/cdktf';

/** Ports from the environment, so several copies can run side by side. */
const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

class AlbStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const [serverA, serverB] = [port('SERVER_A_PORT', 9001), port('SERVER_B_PORT', 9002)];

    const lb = new LoadBalancer(this, 'web', {
      zones: ['local-a'],
      vpc: { cidr: '127.0.0.0/8' },
      subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
      eip: new Eip(this, 'web-eip', { address: '127.0.0.10' }),
    });

    const servers = lb.addServerGroup('servers', {
      servers: [
        { name: 'a', address: '127.0.0.1', port: serverA, weight: 3 },
        { name: 'b', address: '127.0.0.1', port: serverB, weight: 1 },
      ],
    });
    const web = lb.addBackendService('web-backend', {
      protocol: 'HTTP',
      port: serverA,
      serverGroups: [servers],
      sessionPersistence: { enabled: true, cookieName: 'ALBKIT_SERVER' },
      healthCheck: { path: '/', intervalMs: 2000, timeoutMs: 1000, healthyThreshold: 2, unhealthyThreshold: 2 },
    });
    const http = lb.addListener('http', { protocol: 'HTTP', port: port('HTTP_PORT', 8080), backendService: web });

    const echo = lb.addServerGroup('tcp-servers', { servers: [{ name: 'echo', address: '127.0.0.1', port: serverB }] });
    const tcp = lb.addBackendService('tcp-backend', { protocol: 'TCP', port: serverB, serverGroups: [echo] });
    lb.addListener('tcp', { protocol: 'TCP', port: port('TCP_PORT', 8443), backendService: tcp });

    new TerraformOutput(this, 'http_url', { value: `http://127.0.0.1:${http.port}/` });
  }
}

const app = new App();
new AlbStack(app, 'alb');
app.synth();
