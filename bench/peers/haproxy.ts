/**
 * HAProxy, the reference every figure is a ratio to: one thread, `mode http`, round robin, keep-alive on both
 * sides, `option forwardfor`, active health checks like albkit's; `mode tcp` for the TCP suite.
 */
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { HOST, PROXY_CORE } from '../ports';
import { startDaemon, waitForPort } from '../proc';
import type { RunningTarget, Target, TargetContext } from './target';

const GLOBAL = (dir: string): string => `global
  nbthread 1
  maxconn 4096
  stats socket ${join(dir, 'haproxy.sock')} mode 600 level admin
`;

/** HAProxy's configuration for the HTTP suite. */
export function haproxyHttpConfig(dir: string, port: number, backendPorts: readonly number[]): string {
  const servers = backendPorts
    .map((backend, index) => `  server s${index + 1} ${HOST}:${backend} check inter 3s fall 3 rise 3`)
    .join('\n');
  return `${GLOBAL(dir)}
defaults
  mode http
  option http-keep-alive
  option forwardfor
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s

frontend web
  bind ${HOST}:${port}
  default_backend servers

backend servers
  balance roundrobin
  option httpchk HEAD /
${servers}
`;
}

/**
 * HAProxy's configuration for the TCP suite. No health check on the sink: the sink accepts exactly one
 * connection, and a check would take it (albkit's TCP target turns its check off for the same reason).
 */
export function haproxyTcpConfig(dir: string, port: number, tcpBackendPort: number): string {
  return `${GLOBAL(dir)}
defaults
  mode tcp
  timeout connect 5s
  timeout client 120s
  timeout server 120s

frontend stream
  bind ${HOST}:${port}
  default_backend sink

backend sink
  server sink ${HOST}:${tcpBackendPort}
`;
}

/** Reads HAProxy's `Idle_pct` (its own idle share over the last second) from its stats socket. */
export function haproxyIdle(socketPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(2000, () => socket.destroy(new Error('HAProxy stats socket: no answer within 2 s')));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('error', reject);
    socket.once('close', () => {
      const match = /^Idle_pct: (\d+)/m.exec(text);
      if (match) resolve(Number(match[1]));
      else reject(new Error(`HAProxy stats socket: no Idle_pct in "show info"`));
    });
    socket.end('show info\n');
  });
}

/** Starts HAProxy with `config` on the proxy core; resolves once it accepts on `port`. */
export async function startHaproxy(name: string, dir: string, config: string, port: number): Promise<RunningTarget> {
  const file = join(dir, `${name}.cfg`);
  writeFileSync(file, config);
  const daemon = startDaemon({
    name,
    core: PROXY_CORE,
    command: 'haproxy',
    args: ['-db', '-f', file],
    logFile: join(dir, `${name}.log`),
    ports: [port],
  });
  await waitForPort(daemon, port);
  return {
    port,
    pid: daemon.pid,
    idlePercent: () => haproxyIdle(join(dir, 'haproxy.sock')),
    stop: () => daemon.stop(),
  };
}

/** HAProxy from Debian. */
export function haproxyTarget(port: number): Target {
  return {
    name: 'HAProxy',
    description:
      'HAProxy (Debian), nbthread 1, mode http, roundrobin, keep-alive both sides, option forwardfor, health checks every 3 s',
    startHttp: (context: TargetContext) =>
      startHaproxy('haproxy-http', context.dir, haproxyHttpConfig(context.dir, port, context.backendPorts), port),
    startTcp: (context: TargetContext) =>
      startHaproxy('haproxy-tcp', context.dir, haproxyTcpConfig(context.dir, port, context.tcpBackendPort), port),
  };
}
