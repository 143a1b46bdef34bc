/**
 * Forwarding one HTTP request: the listener's url map rule, if it names one, picks the backend service (or
 * answers itself: redirect, fixed response) and edits the request and response (routing/rule-actions.ts);
 * then pick a server (session cookie first, then the scheduler), send the request
 * over the server's keep-alive pool, stream the response back. A request whose connection never opened
 * (refused, unreachable, connect timeout: the server got nothing) is retried once on another server,
 * whatever its method and body; a connection failure on an idempotent request without a body is retried
 * once on another server too (or, after a reset, on the same server when it is the only one left). Errors answer 502 (the server failed) or 504
 * (it timed out) with a fixed body that names no server; no usable server answers 503. When every usable
 * server is at its connection cap the request waits in the pool's queue (see pool.ts), then is sent, or
 * answered 503 when the queue is full or its time in it runs out.
 *
 * The hot path is one `Exchange` object per request (the upstream request and its handler, holding the
 * request head) and module level functions; no closures are made per request. The response head is the
 * server's, copied line by line without hop-by-hop headers, plus the listener's own lines, and goes out in
 * the same write as the first body bytes (or the end of the read that brought it).
 */
import { holdWrites } from './http-batch';
import { ANSWERS, CLOSE_LINE, CONTINUE, answerText, httpDate, type CannedAnswer } from './http-answers';
import { ASSERT_STATES, RESPONSE_MACHINE, ResponseState, assertTransition } from './http-states';
import type { ExchangeConnection } from './types';
import {
  BAD_HOST,
  buildResponseHead,
  buildUpstreamHead,
  CHUNKED,
  EXPECT_CONTINUE,
  EXPECT_OTHER,
  HAS_BODY,
  HAS_DATE,
  HAS_HOST,
  HAS_LENGTH,
  rawHeader,
  type Head,
} from './http-headers';
import type { HttpCounts } from './metrics';
import type { Pool, PoolServer, PoolWaiter } from './pool';
import { chooseRule, type RouteRules } from './routing/rule-actions';
import { editHeaders, type HeaderEdits } from './routing/header-edits';
import { mirrorRequest } from './routing/mirror';
import type { RouteTarget } from './routing/target';
import { readCookie } from './session-cookie';
import { switchesTo, switchingHead } from './http-upgrade';
import {
  UPSTREAM_ERRORS,
  type UpstreamExchange,
  type UpstreamHandler,
  type UpstreamRequest,
  type UpstreamTunnel,
} from './upstream';
import type { Socket } from 'node:net';

/** What a listener's requests need, rebuilt on each configuration change (never per request). */
export interface HttpRoute {
  readonly listenerId: string;
  /** The listener's own backend service: where requests no rule matches go. */
  readonly target: RouteTarget;
  /** The listener's url map, bound to it; undefined when it names none. */
  readonly rules: RouteRules | undefined;
  /** `http` or `https`, for X-Forwarded-Proto. */
  readonly proto: string;
  /** The listener port as text, for X-Forwarded-Port. */
  readonly port: string;
  /** Upstream time limit for response headers and between body chunks; also the client idle timeout. */
  readonly idleTimeoutMs: number;
  /** The response lines that keep a client connection open: `connection: keep-alive` and its timeout hint. */
  readonly keepAliveLines: string;
  /** The most request headers accepted. */
  readonly maxHeaders: number;
  /** How long a request body may take before its minimum rate applies. */
  readonly bodyGraceMs: number;
  /** The slowest a request body may arrive after its grace window (bytes per second; 0: no limit). */
  readonly bodyMinBytesPerSecond: number;
  /** The listener's response and retry counts (see metrics.ts). */
  readonly counts: HttpCounts;
  /** Set while the listener drains: responses close their connection. */
  draining: boolean;
}

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
const TIMEOUTS = new Set<string>([
  UPSTREAM_ERRORS.connectTimeout,
  UPSTREAM_ERRORS.headersTimeout,
  UPSTREAM_ERRORS.bodyTimeout,
]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

/** How the response body is framed towards the client. */
const enum Framing {
  /** As the server framed it (Content-Length, or no body), or until the connection closes. */
  AsIs,
  /** Re-chunked (the server's body had no length and the client speaks HTTP/1.1). */
  Chunked,
}

/** Where response heads are built: used and emptied within one call, so one serves every request. */
const scratch: Head = { head: '', flags: 0 };

/** Body chunks up to this size go out in the same write as the head or chunk frame before them (copied). */
const COALESCE_BYTES = 16384;

/**
 * Writes `before` (latin1 text), `chunk` and `after` to the client in one write: one buffer when the chunk
 * is small, else corked writes. Returns what `write` does (false: wait for `drain`).
 */
function writeFramed(conn: ExchangeConnection, before: string, chunk: Buffer, after: string): boolean {
  const socket = conn.socket;
  holdWrites(socket);
  if (chunk.length > COALESCE_BYTES) {
    socket.cork();
    socket.write(before, 'latin1');
    const flushed = after === '' ? socket.write(chunk) : (socket.write(chunk), socket.write(after, 'latin1'));
    socket.uncork();
    return flushed;
  }
  const out = Buffer.allocUnsafe(before.length + chunk.length + after.length);
  out.write(before, 0, 'latin1');
  out.set(chunk, before.length);
  if (after !== '') out.write(after, before.length + chunk.length, 'latin1');
  return socket.write(out);
}

/**
 * One request from a client connection, from its head to the end of its answer: the request sent upstream
 * and the handler of the server's response, in one object. Created by the connection for every request
 * head it parses, started when every earlier request on the connection has been answered.
 */
export class Exchange implements UpstreamRequest, UpstreamHandler, Head, PoolWaiter {
  head = '';
  flags = 0;
  readonly handler: UpstreamHandler = this;
  readonly hasBody: boolean;
  readonly chunked: boolean;
  readonly isHead: boolean;
  readonly timeoutMs: number;
  /** The whole request has been read from the client. */
  requestDone: boolean;
  private server: PoolServer | undefined;
  private setCookie = false;
  private attempts = 0;
  private connection: UpstreamExchange | undefined;
  /** Whether a failed attempt may be sent again: idempotent and without a body (nothing was consumed). */
  private readonly retriable: boolean;
  /** The server was released (the answer is complete or abandoned). */
  private finished = false;
  /** Where the response is; moved only by `moveTo`. */
  private response = ResponseState.Waiting;
  /** The response head made but not written yet: it goes out with the first body bytes. */
  private pendingHead = '';
  /** The response's status class (status / 100), counted as its head is written. */
  private statusClass = 0;
  private framing = Framing.AsIs;
  /** Whether the client connection stays open after this response. */
  private keepAliveAfter = false;
  /** Body chunks read before the request was sent (it waited behind pipelined ones). */
  private pendingBody: Buffer[] | undefined;
  /** Body chunks written while the server connection was still opening: sent again on a retry. */
  private unsentBody: Buffer[] | undefined;
  /** The answer made here without asking a server, for a request the listener refuses. */
  private readonly refusal: CannedAnswer | undefined;
  /** The request's Cookie header, when session persistence is on. */
  private readonly cookie: string | undefined;
  /** The server the session cookie names, when it is usable: the request waits for it if it is at its cap. */
  pinned: PoolServer | undefined;
  /** The backend service the request goes to: the listener's, or its rule's. */
  private readonly target: RouteTarget;
  /** A url map rule's own answer (redirect, fixed response), made without a server. */
  private readonly ruleAnswer: CannedAnswer | undefined;
  /** The rule's response header edits. */
  private readonly responseEdits: HeaderEdits | undefined;
  /** The rule's mirror: a copy of the request goes to its pool when the request starts. */
  private readonly mirror: Pool | undefined;
  /** The rule's group cookie line for the response, or ''. */
  private readonly groupCookieLine: string;
  /** The request waits in its pool's queue for a server below its cap. */
  private queued = false;

  constructor(
    private readonly route: HttpRoute,
    private readonly conn: ExchangeConnection,
    method: string,
    url: string,
    raw: readonly string[],
    /** The client allows keep-alive (HTTP/1.1 without `close`, HTTP/1.0 with `keep-alive`). */
    private readonly keepAlive: boolean,
    /** The client speaks HTTP/1.0: no chunked responses, no 100 Continue. */
    private readonly http10: boolean,
    /** For an upgrade request the listener carries, the protocols it asks for (its `Upgrade` value). */
    readonly upgrade: string | undefined,
  ) {
    const choice =
      route.rules === undefined
        ? undefined
        : chooseRule(route.rules, method, url, raw, conn.clientIp, route.proto, route.port);
    if (choice === undefined) {
      this.target = route.target;
      this.ruleAnswer = undefined;
      this.responseEdits = undefined;
      this.mirror = undefined;
      this.groupCookieLine = '';
    } else {
      // No target: the rule answers itself; a weighted forward with no target left has no server to give.
      this.target = choice.target ?? route.target;
      this.ruleAnswer = choice.answer ?? (choice.target === undefined ? ANSWERS.noHealthyServer : undefined);
      this.responseEdits = choice.response;
      this.mirror = choice.mirror;
      this.groupCookieLine = choice.cookieLine;
      url = choice.url;
      raw = choice.raw;
    }
    buildUpstreamHead(this, method, url, raw, conn.clientIp, route.proto, route.port, conn.localAddress);
    if (upgrade !== undefined)
      this.head = `${this.head.slice(0, -2)}connection: upgrade\r\nupgrade: ${upgrade}\r\n\r\n`;
    const flags = this.flags;
    this.hasBody = (flags & HAS_BODY) !== 0;
    this.chunked = (flags & CHUNKED) !== 0;
    this.requestDone = !this.hasBody;
    this.retriable = !this.hasBody && IDEMPOTENT.has(method);
    this.isHead = method === 'HEAD';
    this.timeoutMs = route.idleTimeoutMs;
    this.cookie = this.target.cookieName === undefined ? undefined : rawHeader(raw, 'cookie', '; ');
    this.refusal =
      raw.length > route.maxHeaders * 2
        ? ANSWERS.headersTooLarge
        : (flags & BAD_HOST) !== 0 || (!http10 && (flags & HAS_HOST) === 0)
          ? ANSWERS.badRequest
          : method === 'CONNECT'
            ? ANSWERS.methodNotAllowed
            : !http10 && (flags & EXPECT_OTHER) !== 0
              ? ANSWERS.expectationFailed
              : undefined;
  }

  /** The client's address, for the scheduler. */
  get clientIp(): string {
    return this.conn.clientIp;
  }

  /** Whether the listener refuses this request without asking a server (the connection closes after). */
  get refused(): boolean {
    return this.refusal !== undefined;
  }

  /** Starts answering: refuses, or sends the request to a server. */
  start(): void {
    const { route, conn } = this;
    if (this.refusal !== undefined) {
      this.answer(this.refusal);
      return;
    }
    if (this.ruleAnswer !== undefined) {
      this.answer(this.ruleAnswer);
      return;
    }
    if (this.mirror !== undefined && this.upgrade === undefined)
      mirrorRequest(this.mirror, this.head, this.hasBody, conn.clientIp, route.rules!.mirrors);
    if ((this.flags & EXPECT_CONTINUE) !== 0 && !this.http10 && !this.requestDone)
      conn.socket.write(CONTINUE, 'latin1');
    const { pool } = this.target;
    this.pinned = cookieServer(this.target, this.cookie);
    const server = this.pinned === undefined ? pool.acquire(conn.clientIp) : pool.take(this.pinned);
    if (server !== undefined) {
      this.granted(server);
    } else if (this.pinned === undefined && !pool.atCapacity()) {
      this.answer(ANSWERS.noHealthyServer);
    } else if (pool.wait(this)) {
      // Its body waits in the client's socket, not here.
      this.queued = true;
      conn.pauseBody();
    } else {
      this.answer(ANSWERS.allAtCap);
    }
  }

  /** A server was acquired for this request (at once, or after it waited in the queue): send it. */
  granted(server: PoolServer): void {
    const queued = this.queued;
    this.queued = false;
    this.server = server;
    this.setCookie = this.target.cookieName !== undefined && server !== this.pinned;
    this.dispatch();
    this.sendBody(this.pendingBody);
    this.pendingBody = undefined;
    if (queued) this.conn.resumeBody();
  }

  /** Its time in the queue ran out (or the pool closed): 503. */
  expired(): void {
    this.queued = false;
    this.answer(ANSWERS.allAtCap);
  }

  /** Sends the body chunks read so far (`chunks`), and its end if it has been read. */
  private sendBody(chunks: Buffer[] | undefined): void {
    if (chunks !== undefined) for (const chunk of chunks) this.requestBody(chunk);
    if (this.requestDone && this.hasBody) this.connection?.endBody();
  }

  /** A chunk of the request body, read from the client. */
  requestBody(chunk: Buffer): void {
    if (this.finished) return;
    const connection = this.connection;
    if (connection === undefined) {
      (this.pendingBody ??= []).push(chunk);
      return;
    }
    if (!connection.connected) (this.unsentBody ??= []).push(chunk);
    if (!connection.writeBody(chunk)) this.conn.pauseBody();
  }

  /** The request has been read to its end. */
  requestEnd(): void {
    if (this.requestDone) return;
    this.requestDone = true;
    if (!this.finished) this.connection?.endBody();
  }

  /** The client connection closed: drop the upstream request if it still runs. */
  abort(): void {
    if (this.finished) return;
    this.connection?.abort();
    this.finish();
  }

  /**
   * The request's body cannot be read to its end: malformed (400) or arriving too slowly (408). The server's
   * request is dropped with its connection (never reused), and the client is answered `status` (the
   * connection then closes), or, if its response had begun, the connection is closed.
   */
  abandonBody(answer: CannedAnswer): void {
    this.connection?.abort();
    if (this.response >= ResponseState.Streaming) {
      this.finish();
      this.conn.socket.destroy();
      return;
    }
    this.pendingHead = '';
    this.answer(answer);
  }

  /** The client took what was written: resume reading the response. */
  resumeUpstream(): void {
    if (!this.finished) this.connection?.resume();
  }

  onDrain(): void {
    this.conn.resumeBody();
  }

  /**
   * A 101 to this request: a tunnel when the request asked for an upgrade, was read to its end, and the
   * server chose one protocol it named; else refused (answered 502). The server stays counted active until
   * the tunnel closes.
   */
  onSwitch(statusText: string, rawHeaders: string[], socket: Socket, rest: Buffer): UpstreamTunnel | undefined {
    if (
      this.finished ||
      this.upgrade === undefined ||
      !this.requestDone ||
      !switchesTo(this.upgrade, rawHeader(rawHeaders, 'upgrade'))
    )
      return undefined;
    const { route } = this;
    const server = this.server!;
    this.finished = true;
    this.moveTo(ResponseState.Switched);
    route.counts.responses[1]!++;
    return this.conn.switchProtocols(switchingHead(statusText, rawHeaders), socket, rest, () =>
      this.target.pool.release(server),
    );
  }

  onHeaders(statusCode: number, statusText: string, rawHeaders: string[]): void {
    const { route, target } = this;
    buildResponseHead(
      scratch,
      statusCode,
      statusText,
      this.responseEdits === undefined ? rawHeaders : editHeaders(rawHeaders, this.responseEdits),
    );
    let head = scratch.head + this.groupCookieLine;
    const flags = scratch.flags;
    if (this.setCookie) head += `set-cookie: ${target.cookieName}=${this.server!.cookie}${target.cookieAttributes}\r\n`;
    if ((flags & HAS_DATE) === 0) head += `date: ${httpDate()}\r\n`;
    let keepAlive = this.mayKeepAlive();
    if (!this.isHead && statusCode !== 204 && statusCode !== 304 && (flags & HAS_LENGTH) === 0) {
      if (this.http10) keepAlive = false;
      else {
        this.framing = Framing.Chunked;
        head += 'transfer-encoding: chunked\r\n';
      }
    }
    this.keepAliveAfter = keepAlive;
    this.pendingHead = `${head}${keepAlive ? route.keepAliveLines : CLOSE_LINE}\r\n`;
    this.moveTo(ResponseState.HeadPending);
    this.statusClass = (statusCode / 100) | 0;
  }

  onData(chunk: Buffer): boolean {
    const conn = this.conn;
    conn.touch();
    if (this.framing === Framing.Chunked)
      return writeFramed(conn, `${this.takeHead()}${chunk.length.toString(16)}\r\n`, chunk, '\r\n');
    if (this.pendingHead !== '') return writeFramed(conn, this.takeHead(), chunk, '');
    holdWrites(conn.socket);
    return conn.socket.write(chunk);
  }

  onComplete(): void {
    this.finish();
    const end = this.framing === Framing.Chunked ? `${this.takeHead()}0\r\n\r\n` : this.takeHead();
    this.moveTo(ResponseState.Done);
    if (end !== '') {
      holdWrites(this.conn.socket);
      this.conn.socket.write(end, 'latin1');
    }
    this.conn.answered(this, this.keepAliveAfter);
  }

  flush(): void {
    if (this.pendingHead === '') return;
    holdWrites(this.conn.socket);
    this.conn.socket.write(this.takeHead(), 'latin1');
  }

  onError(error: NodeJS.ErrnoException, unsent: boolean): void {
    const { route } = this;
    const { pool } = this.target;
    const server = this.server!;
    const code = error.code ?? '';
    const failed = CONNECTION_FAILURES.has(code);
    if (failed) pool.reportFailure(server);
    if (this.finished) return;
    if (this.response !== ResponseState.Waiting) {
      if (this.response !== ResponseState.HeadPending) {
        // Part of the response is with the client: all it can be told is that the connection broke.
        this.finish();
        this.conn.socket.destroy();
        return;
      }
      // The head was not written yet: the client can still get a clean error instead.
      this.pendingHead = '';
    } else if (failed && (this.retriable || unsent) && this.attempts === 1) {
      // Another server; or, after a reset, the same one: a keep-alive connection it closed as we reused it.
      const next =
        pool.acquire(this.conn.clientIp, server) ??
        (this.retriable && RESETS.has(code) ? pool.acquireByKey(server.key) : undefined);
      if (next !== undefined) {
        pool.release(server);
        this.server = next;
        this.setCookie = this.target.cookieName !== undefined;
        route.counts.retries++;
        this.dispatch();
        // What the failed connection queued never left: sent again, with the end if it was read.
        const body = this.unsentBody;
        this.unsentBody = undefined;
        this.sendBody(unsent ? body : undefined);
        return;
      }
    }
    this.finish();
    this.answer(TIMEOUTS.has(code) ? ANSWERS.gatewayTimeout : ANSWERS.badGateway);
  }

  /** The response head, to be written now (and counted); empty once written. */
  private takeHead(): string {
    const head = this.pendingHead;
    if (head !== '') {
      this.pendingHead = '';
      this.moveTo(ResponseState.Streaming);
      this.route.counts.responses[this.statusClass]!++;
    }
    return head;
  }

  /** Moves the response to `to` (checked when `ASSERT_STATES`). */
  private moveTo(to: ResponseState): void {
    if (ASSERT_STATES) assertTransition(RESPONSE_MACHINE, this.response, to);
    this.response = to;
  }

  private dispatch(): void {
    this.attempts++;
    this.connection = this.target.pool.httpClient(this.server!).send(this);
  }

  /** Whether the connection may stay open after this response, as far as the request and listener go. */
  private mayKeepAlive(): boolean {
    return (
      this.keepAlive &&
      this.requestDone &&
      !this.route.draining &&
      this.refusal === undefined &&
      !this.conn.closesAfterCurrent
    );
  }

  /** Answers with `answer` made here; the server, if any, is released and the rest of the body ignored. */
  private answer(answer: CannedAnswer): void {
    this.finish();
    this.moveTo(ResponseState.Done);
    const keepAlive = this.mayKeepAlive();
    holdWrites(this.conn.socket);
    this.conn.socket.write(answerText(answer, keepAlive ? this.route.keepAliveLines : CLOSE_LINE), 'latin1');
    this.route.counts.responses[(answer.status / 100) | 0]!++;
    this.conn.answered(this, keepAlive);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.queued) {
      this.queued = false;
      this.target.pool.cancel(this);
    }
    if (this.server !== undefined) this.target.pool.release(this.server);
  }
}

/** The server the request's session cookie names, if healthy with weight > 0 (not counted active yet). */
export function cookieServer(target: RouteTarget, cookie: string | undefined): PoolServer | undefined {
  if (target.cookieName === undefined) return undefined;
  const value = readCookie(cookie, target.cookieName);
  return value === undefined ? undefined : target.pool.byCookieValue(value);
}
