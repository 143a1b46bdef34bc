/**
 * Forwarding one HTTP request: pick a server (session cookie first, then the scheduler), send the request
 * over the server's keep-alive pool, stream the response back. A connection failure on an idempotent
 * request without a body is retried once on another server (or, after a reset, on the same server when it
 * is the only one left). Errors answer 502 (the server failed) or 504
 * (it timed out) with a fixed body that names no server; no usable server answers 503.
 *
 * The hot path is one `Exchange` object per request (the upstream handler, holding the request head) and
 * module level functions; no closures are made per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildUpstreamHead, CHUNKED, downstreamResponseHeaders, HAS_BODY, type UpstreamHead } from './http-headers';
import type { HttpCounts } from './metrics';
import type { Pool, PoolServer } from './pool';
import { readCookie } from './session-cookie';
import { UPSTREAM_ERRORS, type UpstreamExchange, type UpstreamHandler, type UpstreamRequest } from './upstream';

/** What a listener's requests need, rebuilt on each configuration change (never per request). */
export interface HttpRoute {
  readonly listenerId: string;
  readonly pool: Pool;
  /** `http` or `https`, for X-Forwarded-Proto. */
  readonly proto: string;
  /** The listener port as text, for X-Forwarded-Port. */
  readonly port: string;
  /** Upstream time limit for response headers and between body chunks. */
  readonly idleTimeoutMs: number;
  /** The session cookie's name, or undefined when persistence is off. */
  readonly cookieName: string | undefined;
  /** `; Path=/; HttpOnly…` after the cookie value. */
  readonly cookieAttributes: string;
  /** The most request headers accepted. */
  readonly maxHeaders: number;
  /** The listener's response and retry counts (see metrics.ts). */
  readonly counts: HttpCounts;
  /** Set while the listener drains: responses close their connection. */
  draining: boolean;
}

const EXCHANGE = Symbol('albkit.exchange');
type TrackedResponse = ServerResponse & { [EXCHANGE]?: Exchange };

/** Errors that mean the server could not be reached or dropped the connection before answering. */
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'EPIPE',
  UPSTREAM_ERRORS.closed,
  UPSTREAM_ERRORS.connectTimeout,
]);
/** Failures of a connection that was open: the server may have closed an idle keep-alive connection. */
const RESETS = new Set(['ECONNRESET', 'EPIPE']);
const TIMEOUTS = new Set<string>([UPSTREAM_ERRORS.connectTimeout, UPSTREAM_ERRORS.headersTimeout, UPSTREAM_ERRORS.bodyTimeout]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

const BODIES: Record<number, Buffer> = {
  431: Buffer.from('431 Request Header Fields Too Large\n'),
  502: Buffer.from('502 Bad Gateway\n'),
  503: Buffer.from('503 Service Unavailable: no healthy server\n'),
  504: Buffer.from('504 Gateway Timeout\n'),
};

/** Answers with one of the fixed error responses. */
export function sendError(route: HttpRoute, res: ServerResponse, status: keyof typeof BODIES & number): void {
  const body = BODIES[status]!;
  if (route.draining) res.shouldKeepAlive = false;
  res.writeHead(status, ['content-type', 'text/plain; charset=utf-8', 'content-length', String(body.length), 'cache-control', 'no-store']);
  res.end(body);
  route.counts.responses[(status / 100) | 0]!++;
}

/** The usable server the request's session cookie names, counted active; undefined when there is none. */
export function cookieServer(route: HttpRoute, req: IncomingMessage): PoolServer | undefined {
  if (route.cookieName === undefined) return undefined;
  const value = readCookie(req.headers.cookie, route.cookieName);
  return value === undefined ? undefined : route.pool.acquireByCookie(value);
}

/** Handles one request on a listener. */
export function proxyRequest(route: HttpRoute, req: IncomingMessage, res: ServerResponse): void {
  if (req.rawHeaders.length > route.maxHeaders * 2) {
    sendError(route, res, 431);
    return;
  }
  const clientIp = req.socket.remoteAddress ?? '';
  let server = cookieServer(route, req);
  const setCookie = route.cookieName !== undefined && server === undefined;
  server ??= route.pool.acquire(clientIp);
  if (server === undefined) {
    sendError(route, res, 503);
    return;
  }
  const exchange = new Exchange(route, req, res, server, clientIp, setCookie);
  (res as TrackedResponse)[EXCHANGE] = exchange;
  res.on('close', onResponseClose);
  exchange.dispatch();
}

/** The client went away: stop the upstream request if it is still running. */
function onResponseClose(this: TrackedResponse): void {
  const exchange = this[EXCHANGE];
  if (exchange !== undefined && !exchange.finished) exchange.abortUpstream();
}

function onResponseDrain(this: TrackedResponse): void {
  this[EXCHANGE]?.resumeUpstream();
}

/** One request in flight: the request sent upstream and the handler of its answer, in one object. */
class Exchange implements UpstreamRequest, UpstreamHandler, UpstreamHead {
  finished = false;
  head = '';
  flags = 0;
  readonly body: IncomingMessage | null;
  readonly chunked: boolean;
  readonly isHead: boolean;
  readonly timeoutMs: number;
  readonly handler: UpstreamHandler = this;
  private attempts = 0;
  private connection: UpstreamExchange | undefined;
  /** Whether a failed attempt may be sent again: idempotent and without a body (nothing was consumed). */
  private readonly retriable: boolean;

  constructor(
    private readonly route: HttpRoute,
    req: IncomingMessage,
    private readonly res: ServerResponse,
    private server: PoolServer | undefined,
    private readonly clientIp: string,
    private setCookie: boolean,
  ) {
    const method = req.method!;
    buildUpstreamHead(this, method, req.url!, req.rawHeaders, clientIp, route.proto, route.port, req.socket.localAddress);
    const hasBody = (this.flags & HAS_BODY) !== 0;
    this.retriable = !hasBody && IDEMPOTENT.has(method);
    this.body = hasBody ? req : null;
    this.chunked = (this.flags & CHUNKED) !== 0;
    this.isHead = method === 'HEAD';
    this.timeoutMs = route.idleTimeoutMs;
  }

  dispatch(): void {
    this.attempts++;
    this.connection = this.route.pool.httpClient(this.server!).send(this);
  }

  /** The client went away: drop the upstream request and release the server. */
  abortUpstream(): void {
    this.connection?.abort();
    this.finish();
  }

  resumeUpstream(): void {
    this.connection?.resume();
  }

  onHeaders(statusCode: number, statusText: string, rawHeaders: string[]): void {
    const { res, route } = this;
    const headers = downstreamResponseHeaders(rawHeaders);
    if (this.setCookie) headers.push('set-cookie', `${route.cookieName}=${this.server!.cookie}${route.cookieAttributes}`);
    if (route.draining) res.shouldKeepAlive = false;
    res.writeHead(statusCode, statusText, headers);
    route.counts.responses[(statusCode / 100) | 0]!++;
  }

  onData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    this.res.once('drain', onResponseDrain);
    return false;
  }

  onComplete(): void {
    this.finish();
    this.res.end();
  }

  onError(error: NodeJS.ErrnoException): void {
    const { res, route } = this;
    const server = this.server!;
    const code = error.code ?? '';
    const failed = CONNECTION_FAILURES.has(code);
    if (failed) route.pool.reportFailure(server);
    if (this.finished) return;
    if (res.headersSent || res.destroyed) {
      this.finish();
      res.destroy();
      return;
    }
    if (failed && this.retriable && this.attempts === 1) {
      // Another server; or, after a reset, the same one: a keep-alive connection it closed as we reused it.
      const next = route.pool.acquire(this.clientIp, server) ?? (RESETS.has(code) ? route.pool.acquireByKey(server.key) : undefined);
      if (next !== undefined) {
        route.pool.release(server);
        this.server = next;
        this.setCookie = route.cookieName !== undefined;
        route.counts.retries++;
        this.dispatch();
        return;
      }
    }
    this.finish();
    sendError(route, res, TIMEOUTS.has(code) ? 504 : 502);
  }

  private finish(): void {
    this.finished = true;
    this.route.pool.release(this.server!);
  }
}
