/** fastify + @fastify/http-proxy, the Node proxy off the shelf, in its own process on the proxy core. */
import { join } from 'node:path';
import { HOST, PROXY_CORE } from '../ports';
import { startDaemon, waitForPort } from '../proc';
import type { RunningTarget, Target, TargetContext } from './target';

async function startHttp(context: TargetContext, port: number): Promise<RunningTarget> {
  const upstreams = context.backendPorts.map((backend) => `http://${HOST}:${backend}`);
  const daemon = startDaemon({
    name: 'fastify proxy',
    core: PROXY_CORE,
    command: process.execPath,
    args: [join(__dirname, 'fastify-proxy-main.js'), String(port), ...upstreams],
    logFile: join(context.dir, 'fastify-proxy.log'),
    env: { NODE_ENV: 'production' },
    ports: [port],
  });
  await waitForPort(daemon, port);
  return { port, pid: daemon.pid, stop: () => daemon.stop() };
}

/** fastify + @fastify/http-proxy over undici. */
export function fastifyTarget(port: number): Target {
  return {
    name: 'fastify',
    description: 'fastify + @fastify/http-proxy (undici BalancedPool upstream), X-Forwarded-For appended',
    startHttp: (context: TargetContext) => startHttp(context, port),
  };
}
