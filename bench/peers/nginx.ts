/** nginx as a reverse proxy: one worker, upstream keep-alive, X-Forwarded-For. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST, PROXY_CORE } from '../ports';
import { startDaemon, waitForPort } from '../proc';
import type { RunningTarget, Target, TargetContext } from './target';

/** nginx's configuration as an HTTP proxy in front of the backends. */
export function nginxProxyConfig(dir: string, port: number, backendPorts: readonly number[]): string {
  const servers = backendPorts.map((backend) => `    server ${HOST}:${backend};`).join('\n');
  return `worker_processes 1;
daemon off;
pid ${join(dir, 'nginx-proxy.pid')};
error_log ${join(dir, 'nginx-proxy.error.log')} warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  upstream backends {
${servers}
    keepalive 256;
    keepalive_requests 1000000;
  }
  server {
    listen ${HOST}:${port} backlog=4096;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`;
}

async function startHttp(context: TargetContext, port: number): Promise<RunningTarget> {
  const config = join(context.dir, 'nginx-proxy.conf');
  writeFileSync(config, nginxProxyConfig(context.dir, port, context.backendPorts));
  const daemon = startDaemon({
    name: 'nginx proxy',
    core: PROXY_CORE,
    command: 'nginx',
    args: ['-p', context.dir, '-e', join(context.dir, 'nginx-proxy.error.log'), '-c', config],
    logFile: join(context.dir, 'nginx-proxy.log'),
    ports: [port],
  });
  await waitForPort(daemon, port);
  return { port, pid: daemon.pid, stop: () => daemon.stop() };
}

/** nginx from Debian (HTTP only: its stream module is a separate package, and the TCP comparison is with HAProxy). */
export function nginxTarget(port: number): Target {
  return {
    name: 'nginx',
    description: 'nginx (Debian), 1 worker, round robin, upstream keepalive 256, X-Forwarded-For',
    startHttp: (context: TargetContext) => startHttp(context, port),
  };
}
