/**
 * Real peers for HTTP data plane tests: named HTTP backends on loopback, resources built through the model,
 * a data plane with its own registry, and clients bound to chosen source addresses.
 */
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import pino from 'pino';
import { Registry } from 'prom-client';
import { Agent, request, type Dispatcher } from 'undici';
import { validateResources, type IngressRule, type Resource } from '../../../lib';
import { DataPlane, type DataPlaneOptions } from '../../../runtime/dataplane/dataplane';

/** The load balancer's intranet address in these tests. */
export const LB_ADDRESS = '127.0.0.1';

/** A backend that answers every request with its name and records what it saw. */
export interface HttpBackend {
  readonly name: string;
  port: number;
  /** Requests served other than health checks (one may come in at any moment). */
  hits: number;
  /** Health checks served. */
  healthChecks: number;
  /** Headers of the last request other than a health check (one may come in at any moment). */
  last: http.IncomingHttpHeaders;
  /** Raw headers of the last request other than a health check. */
  lastRaw: string[];
  /** Request line of the last request other than a health check: method, URL and version. */
  lastLine: string;
  readonly server: http.Server;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

export type BackendHandler = (req: http.IncomingMessage, res: http.ServerResponse, backend: HttpBackend) => void;

const answerName: BackendHandler = (req, res, backend) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'text/plain');
    res.end(backend.name);
  });
};

/** The user agent of the data plane's HTTP health checks. */
const HEALTH_CHECK_AGENT = 'albkit-health-check';

function recordLast(backend: HttpBackend, req: http.IncomingMessage): void {
  backend.last = req.headers;
  backend.lastRaw = req.rawHeaders;
  backend.lastLine = `${req.method} ${req.url} HTTP/${req.httpVersion}`;
}

/** Starts a named HTTP backend on 127.0.0.1 (ephemeral port unless given). */
export async function startHttpBackend(
  name: string,
  handler: BackendHandler = answerName,
  port = 0,
): Promise<HttpBackend> {
  const sockets = new Set<Socket>();
  const server = http.createServer();
  const backend: HttpBackend = {
    name,
    port,
    hits: 0,
    healthChecks: 0,
    last: {},
    lastRaw: [],
    lastLine: '',
    server,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    restart: async () => {
      server.listen(backend.port, '127.0.0.1');
      await once(server, 'listening');
    },
  };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.headers['user-agent'] === HEALTH_CHECK_AGENT) backend.healthChecks++;
    else {
      backend.hits++;
      recordLast(backend, req);
    }
    handler(req, res, backend);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  backend.port = (server.address() as AddressInfo).port;
  return backend;
}

/** Starts several name-answering backends. */
export function startHttpBackends(names: readonly string[], handler?: BackendHandler): Promise<HttpBackend[]> {
  return Promise.all(names.map((name) => startHttpBackend(name, handler)));
}

export interface AlbOptions {
  /** The listener port (see `freePort`). */
  port: number;
  /** The servers of the one server group: backend and weight. */
  servers: ReadonlyArray<{ backend: Pick<HttpBackend, 'name' | 'port'>; weight?: number }>;
  /** Fields of the backend service spec. */
  backend?: Record<string, unknown>;
  /** Fields of the listener spec. */
  listener?: Record<string, unknown>;
  /** Ingress rules of the load balancer's one security group. @default open */
  ingress?: Partial<IngressRule>[];
  /** An EIP address the listener also binds. */
  eip?: string;
  /** More HTTP listeners on the same backend service. */
  moreListeners?: ReadonlyArray<{ id: string; port: number }>;
}

/** One load balancer, server group, backend service and listener, validated and resolved by the model. */
export function albResources(options: AlbOptions): Resource[] {
  return validateResources([
    { id: 'sg', kind: 'SecurityGroup', spec: options.ingress ? { ingress: options.ingress } : {} },
    ...(options.eip ? [{ id: 'eip', kind: 'Eip', spec: { address: options.eip } }] : []),
    {
      id: 'lb',
      kind: 'LoadBalancer',
      spec: {
        name: 'lb',
        zones: ['z1'],
        vpc: { cidr: '127.0.0.0/8' },
        subnet: { cidr: '127.0.0.0/24', address: LB_ADDRESS },
        securityGroups: ['sg'],
        ...(options.eip ? { eip: 'eip' } : {}),
      },
    },
    {
      id: 'lb/servers',
      kind: 'ServerGroup',
      spec: {
        loadBalancer: 'lb',
        servers: options.servers.map(({ backend, weight }) => ({
          name: backend.name,
          address: '127.0.0.1',
          port: backend.port,
          weight,
        })),
      },
    },
    {
      id: 'lb/backend',
      kind: 'BackendService',
      spec: { loadBalancer: 'lb', protocol: 'HTTP', serverGroups: ['lb/servers'], ...options.backend },
    },
    {
      id: 'lb/listener',
      kind: 'Listener',
      spec: {
        loadBalancer: 'lb',
        protocol: 'HTTP',
        port: options.port,
        backendService: 'lb/backend',
        ...options.listener,
      },
    },
    ...(options.moreListeners ?? []).map(({ id, port }) => ({
      id,
      kind: 'Listener',
      spec: { loadBalancer: 'lb', protocol: 'HTTP', port, backendService: 'lb/backend' },
    })),
  ]);
}

/** A data plane with a silent logger, its own registry and a random cookie secret. */
export function newDataPlane(options: Partial<DataPlaneOptions> = {}): { dataPlane: DataPlane; registry: Registry } {
  const registry = options.registry ?? new Registry();
  const dataPlane = new DataPlane({
    logger: pino({ level: 'silent' }),
    registry,
    cookieSecret: Buffer.from('test-secret-0123456789abcdef'),
    drainMs: 2000,
    ...options,
  });
  return { dataPlane, registry };
}

/** Applies resources and fails unless every listener bound. */
export async function applyOk(dataPlane: DataPlane, resources: Resource[]): Promise<void> {
  const outcomes = await dataPlane.apply(resources);
  for (const [id, outcome] of outcomes) {
    if (!outcome.ok) throw new Error(`listener ${id} did not bind: ${outcome.reason}`);
  }
}

/** A keep-alive client whose connections come from `localAddress`. */
export function clientFrom(localAddress = '127.0.0.1', connect: Record<string, unknown> = {}): Agent {
  return new Agent({ localAddress, connect });
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request through `dispatcher`; the body read as text. */
export async function fetchText(
  dispatcher: Dispatcher,
  url: string,
  options: { method?: Dispatcher.HttpMethod; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const response = await request(url, {
    dispatcher,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
  });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

/** The names answered by `count` requests, in order. */
export async function namesOf(dispatcher: Dispatcher, url: string, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push((await fetchText(dispatcher, url)).body);
  return names;
}

/** Counts of each value. */
export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** The value of a metric series in the registry's text exposition, or undefined. */
export async function metricValue(registry: Registry, series: string): Promise<number | undefined> {
  const text = await registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Ports `freePort` gave already: a caller may not have bound its port yet when it asks for another. */
const handedOut = new Set<number>();

/**
 * A port of this area's range (21000–21999) that is free now, starting from a random point so that
 * parallel runs of the suite rarely meet.
 */
export async function freePort(): Promise<number> {
  const start = Math.floor(Math.random() * 1000);
  for (let step = 0; step < 1000; step++) {
    const port = 21000 + ((start + step) % 1000);
    if (handedOut.has(port)) continue;
    const server = net.createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port in 21000–21999 that this process has not handed out already');
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
