/**
 * The backends behind every HTTP proxy: one nginx worker on the client core answering a 64-byte body on two
 * ports (a Node backend would be the bottleneck, not the proxy). Each answer names the backend's port and the
 * X-Forwarded-For it received, so that the bench can check a proxy balances and forwards the client address.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { get } from 'node:http';
import { BACKEND_STATUS_PORT, CLIENT_CORE, HOST } from '../ports';
import { startDaemon, waitForPort, type Daemon } from '../proc';

/** The body every backend request gets: 64 bytes. */
export const BACKEND_BODY = 'albkit-bench-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN\n';

/** The nginx configuration of the backends. */
export function backendConfig(dir: string, ports: readonly number[]): string {
  const listens = ports.map((port) => `    listen ${HOST}:${port} backlog=4096;`).join('\n');
  return `worker_processes 1;
daemon off;
pid ${join(dir, 'backends.pid')};
error_log ${join(dir, 'backends.error.log')} warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  server {
${listens}
    location / {
      default_type text/plain;
      add_header X-Backend-Port $server_port;
      add_header X-Seen-Forwarded-For $http_x_forwarded_for;
      return 200 '${BACKEND_BODY.replace(/\n$/, '\\n')}';
    }
  }
  server {
    listen ${HOST}:${BACKEND_STATUS_PORT};
    location / { stub_status; }
  }
}
`;
}

/**
 * Connections the backends have accepted so far (nginx's stub_status). Each call opens one connection of its
 * own, so the connections a proxy opened between two calls are their difference minus one.
 */
export function backendAccepts(): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(
      { host: HOST, port: BACKEND_STATUS_PORT, path: '/', agent: false, timeout: 2000 },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const match = /^\s*(\d+)\s+\d+\s+\d+\s*$/m.exec(text);
          if (match) resolve(Number(match[1]));
          else reject(new Error(`backends' status page: no connection counts in "${text}"`));
        });
      },
    );
    request.once('timeout', () => request.destroy(new Error("backends' status page: no answer within 2 s")));
    request.once('error', reject);
  });
}

/** Starts the backends pinned to the client core; resolves once both ports accept connections. */
export async function startBackends(dir: string, ports: readonly number[]): Promise<Daemon> {
  const config = join(dir, 'backends.nginx.conf');
  writeFileSync(config, backendConfig(dir, ports));
  const daemon = startDaemon({
    name: 'nginx backends',
    core: CLIENT_CORE,
    command: 'nginx',
    args: ['-p', dir, '-e', join(dir, 'backends.error.log'), '-c', config],
    logFile: join(dir, 'backends.log'),
    ports: [...ports, BACKEND_STATUS_PORT],
  });
  for (const port of [...ports, BACKEND_STATUS_PORT]) await waitForPort(daemon, port);
  return daemon;
}
