/**
 * The routing case of the HTTP suite: the same listener carrying 50 path rules, the request (`GET /`) matching
 * only the last one, on albkit (a url map put through the control API) and on HAProxy (50 `use_backend` ACLs
 * in the same order). Their figures are read against albkit and HAProxy without rules, in the same run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { waitForPort } from '../proc';
import { startAgent } from './albkit';
import { httpApp, writeManifest } from './albkit-apps';
import { haproxyHttpConfig, startHaproxy } from './haproxy';
import type { RunningTarget, Target, TargetContext } from './target';

/** How many rules the routing case carries. */
export const ROUTING_RULES = 50;

/** The path prefixes of every rule but the last (`/svc-1/`…), which match nothing the bench sends. */
function prefixes(): string[] {
  return Array.from({ length: ROUTING_RULES - 1 }, (_, index) => `/svc-${index + 1}/`);
}

/** The url map of the routing case: rules 1–49 on prefixes, rule 50 on the exact path `/`, all to `backendService`. */
export function routingUrlMap(loadBalancer: string, backendService: string): unknown {
  const forward = { forward: { backendService } };
  return {
    loadBalancer,
    rules: [
      ...prefixes().map((prefix, index) => ({
        priority: index + 1,
        conditions: { paths: [`${prefix}*`] },
        action: forward,
      })),
      { priority: ROUTING_RULES, conditions: { paths: ['/'] }, action: forward },
    ],
  };
}

async function control(
  endpoint: string,
  token: string,
  method: 'GET' | 'PUT',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await request(`${endpoint}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${text}`);
  return JSON.parse(text) as unknown;
}

/** albkit's HTTP topology with the routing case's url map on its listener. */
export function albkitRoutingTarget(port: number): Target {
  return {
    name: `albkit + ${ROUTING_RULES} rules`,
    description: `albkit agent, the HTTP topology with a url map of ${ROUTING_RULES} path rules on its listener; GET / matches the last`,
    async startHttp(context: TargetContext): Promise<RunningTarget> {
      const file = join(context.dir, 'albkit-routing.manifest.json');
      writeManifest(httpApp(port, context.backendPorts), file);
      const agent = await startAgent(context.dir, file, [], [port]);
      try {
        await waitForPort(agent.daemon, port);
        const token = readFileSync(join(agent.stateDir, 'token'), 'utf8').trim();
        await control(agent.endpoint, token, 'PUT', `/v1/url-maps/${encodeURIComponent('bench/rules')}`, {
          spec: routingUrlMap('bench', 'bench/web'),
        });
        const listenerPath = `/v1/listeners/${encodeURIComponent('bench/http')}`;
        const listener = (await control(agent.endpoint, token, 'GET', listenerPath)) as {
          spec: Record<string, unknown>;
        };
        await control(agent.endpoint, token, 'PUT', listenerPath, {
          spec: { ...listener.spec, urlMap: 'bench/rules' },
        });
        await waitForRules(agent.endpoint, token, listenerPath);
      } catch (error) {
        await agent.daemon.stop();
        throw error;
      }
      return { port, pid: agent.daemon.pid, stop: () => agent.daemon.stop() };
    },
  };
}

/** Waits until the listener is ACTIVE with the url map. */
async function waitForRules(endpoint: string, token: string, listenerPath: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const listener = (await control(endpoint, token, 'GET', listenerPath)) as {
      spec: { urlMap?: string };
      status?: { state?: string };
    };
    if (listener.spec.urlMap === 'bench/rules' && listener.status?.state === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${listenerPath}: not ACTIVE with its url map within ${timeoutMs} ms`);
}

/** HAProxy's HTTP configuration with the same 50 rules as `use_backend` ACLs, in order. */
export function haproxyRoutingConfig(dir: string, port: number, backendPorts: readonly number[]): string {
  const rules = [
    ...prefixes().map((prefix) => `  use_backend servers if { path_beg ${prefix} }`),
    '  use_backend servers if { path / }',
  ].join('\n');
  return haproxyHttpConfig(dir, port, backendPorts).replace(
    '  default_backend servers\n',
    `${rules}\n  default_backend servers\n`,
  );
}

/** HAProxy with the routing case's ACLs. */
export function haproxyRoutingTarget(port: number): Target {
  return {
    name: `HAProxy + ${ROUTING_RULES} ACLs`,
    description: `HAProxy as in the HTTP case, with ${ROUTING_RULES} use_backend ACLs (path_beg, then path /); GET / matches the last`,
    startHttp: (context: TargetContext) =>
      startHaproxy('haproxy-routing', context.dir, haproxyRoutingConfig(context.dir, port, context.backendPorts), port),
  };
}
