/**
 * The quickstart load balancer as a Pulumi program: one load balancer on loopback with an HTTP listener (two
 * servers, weights 3 and 1, cookie persistence, health check on /healthz) and a TCP listener to an echo server.
 * See README.md: `pulumi config set endpoint …`, `pulumi config set --secret token …`, `pulumi up`.
 */
import * as pulumi from '@pulumi/pulumi';
import { Alb } from 'albkit/pulumi';

const config = new pulumi.Config();

const alb = new Alb('web', {
  endpoint: config.require('endpoint'),
  token: config.requireSecret('token'),
  zones: ['local-a'],
  vpc: { cidr: '127.0.0.0/8' },
  subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
  listeners: [
    {
      name: 'http',
      protocol: 'HTTP',
      port: config.getNumber('httpPort') ?? 8080,
      servers: [
        { name: 'a', address: '127.0.0.1', port: 9001, weight: 3 },
        { name: 'b', address: '127.0.0.1', port: 9002, weight: 1 },
      ],
      backend: {
        port: 9001,
        algorithm: 'WEIGHTED_ROUND_ROBIN',
        sessionPersistence: { enabled: true, cookieName: 'ALBKIT_SERVER' },
        healthCheck: {
          path: '/healthz',
          intervalMs: 2000,
          timeoutMs: 1000,
          healthyThreshold: 2,
          unhealthyThreshold: 2,
        },
      },
    },
    {
      name: 'tcp',
      protocol: 'TCP',
      port: config.getNumber('tcpPort') ?? 8443,
      servers: [{ name: 'echo', address: '127.0.0.1', port: 9003 }],
    },
  ],
});

/** Where each listener answers, such as `http://127.0.0.1:8080`. */
export const urls = alb.urls;
/** Every resource on the agent, in creation order. */
export const resources = alb.resources;
