/**
 * The HTTP/1.1 client the proxy uses towards one server: keep-alive connections, each with Node's native
 * HTTP parser (see http-parser.ts). It writes the request head the proxy built as one string, takes the
 * request body as the caller pushes it (`writeBody`, `endBody`), streams the response body with
 * backpressure, and hands each connection back to the idle list only when both messages are complete and
 * the server allows keep-alive. Per request it allocates nothing but what the caller passes in.
 *
 * Errors carry a `code`: the socket's (`ECONNREFUSED`, `ECONNRESET`…) or one of `UPSTREAM_ERRORS`.
 */
import net from 'node:net';
import { holdWrites } from './http-batch';
import { now, tick } from './http-clock';
import { HTTPParser, newParser, readBuffer, type HttpParser, type ParserCallbacks } from './node-internals/http-parser';

/** Codes of the failures this client detects itself. */
export const UPSTREAM_ERRORS = {
  connectTimeout: 'UPSTREAM_CONNECT_TIMEOUT',
  headersTimeout: 'UPSTREAM_HEADERS_TIMEOUT',
  bodyTimeout: 'UPSTREAM_BODY_TIMEOUT',
  /** The connection closed before a complete response. */
  closed: 'UPSTREAM_CLOSED',
  /** The response was not valid HTTP/1.1. */
  malformed: 'UPSTREAM_MALFORMED',
  /** The server answered 101 Switching Protocols to a request that did not ask for it, or refused by the caller. */
  upgrade: 'UPSTREAM_UPGRADE',
} as const;

/** What one request's caller is told, in order: headers, body chunks, completion; or an error at any point. */
export interface UpstreamHandler {
  onHeaders(statusCode: number, statusText: string, headers: string[]): void;
  /** A body chunk; return false to pause the server until `UpstreamExchange.resume()`. */
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  /**
   * The request failed; `unsent` when the connection never opened (refused, unreachable, connect timeout),
   * so the server got nothing of it.
   */
  onError(error: NodeJS.ErrnoException, unsent: boolean): void;
  /** The end of each read from the server, after the calls it caused: the moment to flush what they wrote. */
  flush(): void;
  /** The server took the request body written so far, after `writeBody` returned false. */
  onDrain(): void;
  /**
   * The server answered an upgrade request `101 Switching Protocols` (`headers` its raw fields), `rest`
   * the bytes it sent after the head (copied). Returns the tunnel that takes `socket` over from now on, or
   * undefined to refuse the switch (the request then fails with `UPSTREAM_ERRORS.upgrade`).
   */
  onSwitch(statusText: string, headers: string[], socket: net.Socket, rest: Buffer): UpstreamTunnel | undefined;
}

/** What a connection that switched protocols passes on: the server's bytes, end and drain. */
export interface UpstreamTunnel {
  /** Bytes from the server (a view of the shared read buffer: copied if kept). */
  fromServer(chunk: Buffer): void;
  serverEnded(): void;
  serverDrained(): void;
  close(): void;
}

/** One request to send. */
export interface UpstreamRequest {
  /** Request line and headers, ending with the blank line. */
  readonly head: string;
  /** Whether a body follows, pushed with `writeBody` and `endBody`. */
  readonly hasBody: boolean;
  /** Whether the body is sent chunked (the client sent no Content-Length). */
  readonly chunked: boolean;
  /** HEAD requests get no response body. */
  readonly isHead: boolean;
  /** Longest silence allowed while waiting for the response and between its chunks. */
  readonly timeoutMs: number;
  /** For an upgrade request, the protocols it asks for (`Upgrade`): a 101 then goes to `onSwitch`. */
  readonly upgrade: string | undefined;
  readonly handler: UpstreamHandler;
}

/** The connection a request runs on: for pausing and aborting it. */
export type UpstreamExchange = UpstreamConnection;

const enum Phase {
  Connecting,
  Waiting,
  Receiving,
  Idle,
}

/** The end of a message head. */
const HEAD_END = Buffer.from('\r\n\r\n');

/** The Content-Length of a response's raw headers (validated by the parser), or -1 when it has none. */
function contentLength(raw: readonly string[]): number {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === 'content-length') return Number(raw[i + 1]);
  }
  return -1;
}

/** How often every upstream connection's time limit is checked. */
const SWEEP_MS = 100;

/** Every open upstream connection, swept for its time limit while there are any. */
const live = new Set<UpstreamConnection>();
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const time = tick();
  for (const connection of live) connection.checkTimeout(time);
}

/** Sweeps `connection` from now on (the clock is brought up to date when sweeping starts). */
function track(connection: UpstreamConnection): void {
  live.add(connection);
  if (sweeper === undefined) {
    tick();
    sweeper = setInterval(sweep, SWEEP_MS);
    sweeper.unref();
  }
}

function untrack(connection: UpstreamConnection): void {
  live.delete(connection);
  if (live.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function upstreamError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** Keep-alive connections to one server. */
export class UpstreamPool {
  private readonly idle: UpstreamConnection[] = [];
  private readonly connections = new Set<UpstreamConnection>();
  private closing = false;

  constructor(
    readonly address: string,
    readonly port: number,
    /** How long opening a connection may take. */
    readonly connectTimeoutMs: number,
    /** How long an idle connection is kept open. */
    readonly keepAliveMs: number,
  ) {}

  /** Sends `request` on an idle connection or a new one; returns that connection. */
  send(request: UpstreamRequest): UpstreamExchange {
    let connection = this.idle.pop();
    while (connection !== undefined && connection.socket.destroyed) connection = this.idle.pop();
    if (connection === undefined) {
      connection = new UpstreamConnection(this);
      this.connections.add(connection);
    }
    connection.start(request);
    return connection;
  }

  /** Closes idle connections now and each busy one when its request is done. */
  close(): void {
    this.closing = true;
    for (const connection of this.idle.splice(0)) connection.socket.destroy();
  }

  /** Closes every connection now, failing requests in flight. */
  destroy(): void {
    this.close();
    for (const connection of this.connections) connection.socket.destroy();
  }

  /** @internal A connection finished its request; `reusable` when it may take another. */
  done(connection: UpstreamConnection, reusable: boolean): void {
    if (reusable && !this.closing) this.idle.push(connection);
    else connection.socket.destroy();
  }

  /** @internal A connection closed. */
  forget(connection: UpstreamConnection): void {
    this.connections.delete(connection);
    const index = this.idle.indexOf(connection);
    if (index >= 0) this.idle.splice(index, 1);
  }
}

const callbacks: ParserCallbacks<UpstreamConnection> = {
  headers(headers) {
    this.owner.addHeaders(headers);
  },
  headersComplete(_major, _minor, headers, _method, _url, statusCode, statusText, upgrade, keepAlive) {
    return this.owner.headersComplete(headers, statusCode!, statusText!, upgrade, keepAlive);
  },
  body(chunk) {
    this.owner.body(chunk);
  },
  messageComplete() {
    this.owner.messageComplete();
  },
};

/** One connection and its parser. */
class UpstreamConnection {
  readonly socket: net.Socket;
  private readonly parser: HttpParser<UpstreamConnection>;
  private phase = Phase.Connecting;
  /** Silence allowed in this phase (ms; 0: none): connecting, waiting for or receiving a response, idle. */
  private limit: number;
  /** Coarse time of the last progress: connecting, sending, a read. */
  private active: number;
  private request: UpstreamRequest | undefined;
  private headers: string[] = [];
  private informational = false;
  private keepAlive = false;
  private requestSent = false;
  /** Reading is paused because the caller is not taking the response body as fast. */
  private paused = false;
  /** The parser holds part of a response head from an earlier read. */
  private headPending = false;
  /** The parser is being given exactly one response head (see `receive`). */
  private headOnly = false;
  /** Bytes of a sized response body still to come, read here rather than by the parser. */
  private bodyLeft = 0;
  /** The 101 answer to an upgrade request, just parsed: status text and fields. */
  private switching: { statusText: string; headers: string[] } | undefined = undefined;
  /** Once the connection switched protocols: where the server's bytes go. */
  private tunnel: UpstreamTunnel | undefined = undefined;

  constructor(private readonly pool: UpstreamPool) {
    this.parser = newParser(HTTPParser.RESPONSE, 0, this, callbacks);
    track(this);
    this.active = now;
    this.socket = net.connect({
      host: pool.address,
      port: pool.port,
      noDelay: true,
      onread: { buffer: readBuffer, callback: (bytes) => this.receive(readBuffer.subarray(0, bytes)) },
    });
    this.limit = pool.connectTimeoutMs;
    this.socket.on('connect', () => {
      if (this.phase === Phase.Connecting) {
        this.phase = Phase.Waiting;
        this.limit = this.request?.timeoutMs ?? 0;
        this.active = now;
      }
    });
    this.socket.on('drain', () =>
      this.tunnel === undefined ? this.request?.handler.onDrain() : this.tunnel.serverDrained(),
    );
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.fail(error));
    this.socket.on('end', () => this.ended());
    this.socket.on('close', () => this.closed());
  }

  /** Times the connection out if it stayed silent longer than its phase allows, at coarse time `time`. */
  checkTimeout(time: number): void {
    if (this.limit > 0 && time - this.active >= this.limit) this.timeout();
  }

  /** Sends a request on this connection (new, or idle in its pool). */
  start(request: UpstreamRequest): void {
    this.request = request;
    this.requestSent = false;
    this.informational = false;
    if (this.phase === Phase.Idle) {
      this.phase = Phase.Waiting;
      this.limit = request.timeoutMs;
    }
    this.active = now;
    holdWrites(this.socket);
    this.socket.write(request.head, 'latin1');
    this.requestSent = !request.hasBody;
  }

  /**
   * Sends a chunk of the request body (framed when the request is chunked); false when the server is not
   * taking it as fast, until `UpstreamHandler.onDrain`. Ignored once the request is over.
   */
  writeBody(chunk: Buffer): boolean {
    const request = this.request;
    if (request === undefined) return true;
    this.active = now;
    holdWrites(this.socket);
    if (!request.chunked) return this.socket.write(chunk);
    this.socket.cork();
    this.socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
    this.socket.write(chunk);
    const flushed = this.socket.write('\r\n', 'latin1');
    this.socket.uncork();
    return flushed;
  }

  /** Ends the request body. */
  endBody(): void {
    const request = this.request;
    if (request === undefined) return;
    if (request.chunked) this.socket.write('0\r\n\r\n', 'latin1');
    this.requestSent = true;
  }

  /** Whether the connection is open (bytes written before are only queued, and lost if it fails). */
  get connected(): boolean {
    return this.phase !== Phase.Connecting;
  }

  /** Resumes a response paused by `onData` returning false. */
  resume(): void {
    if (this.request !== undefined && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Drops the request (the client went away): the connection is closed, the handler hears nothing more. */
  abort(): void {
    if (this.request === undefined) return;
    this.request = undefined;
    this.pool.done(this, false);
  }

  /**
   * A read from the server (`chunk` is a view of the shared read buffer); false stops reading. When a whole
   * response head is in the read, the parser gets just that head, and a body sized by Content-Length is then
   * taken here, a slice at a time: the parser would hand it over through one more call into JavaScript and a
   * copy made in C++, which cost more than finding the head's end and copying here. Chunked bodies, bodies
   * ended by the connection closing and heads split across reads go through the parser.
   */
  private receive(chunk: Buffer): boolean {
    if (this.tunnel !== undefined) {
      this.tunnel.fromServer(chunk);
      return true;
    }
    const request = this.request;
    if (request === undefined) {
      // Bytes with no request in flight: the server is not speaking HTTP/1.1 keep-alive properly.
      this.socket.destroy();
      return false;
    }
    this.active = now;
    let at = 0;
    while (at < chunk.length && this.request === request) {
      if (this.bodyLeft > 0) {
        const size = Math.min(this.bodyLeft, chunk.length - at);
        this.bodyLeft -= size;
        // Copied: the read buffer is reused for the next read, and the caller may keep the chunk.
        this.body(Buffer.from(chunk.subarray(at, at + size)));
        at += size;
        if (this.bodyLeft === 0) this.complete();
        continue;
      }
      const end = this.phase === Phase.Waiting && !this.headPending ? chunk.indexOf(HEAD_END, at) : -1;
      this.headOnly = end >= 0;
      const part = end >= 0 ? chunk.subarray(at, end + HEAD_END.length) : at === 0 ? chunk : chunk.subarray(at);
      const result = this.parser.execute(part);
      this.headOnly = false;
      if (result instanceof Error) {
        this.fail(upstreamError(UPSTREAM_ERRORS.malformed, `malformed response: ${result.code}`));
        break;
      }
      if (this.switching !== undefined) {
        this.switchProtocols(request, Buffer.from(chunk.subarray(at + result)));
        return true;
      }
      if (end < 0 && this.phase === Phase.Waiting && this.request === request) this.headPending = true;
      at += part.length;
    }
    // Bytes after a complete response: the server is not speaking HTTP/1.1 keep-alive properly.
    if (at < chunk.length && this.request !== request) this.socket.destroy();
    request.handler.flush();
    return true;
  }

  /** @internal Parser callback: header fields, when there are too many for one call. */
  addHeaders(headers: string[]): void {
    for (const item of headers) this.headers.push(item);
  }

  /** @internal Parser callback; returns 1 to tell the parser that no body follows (HEAD). */
  headersComplete(
    headers: string[] | undefined,
    statusCode: number,
    statusText: string,
    upgrade: boolean,
    keepAlive: boolean,
  ): number {
    const request = this.request;
    if (request === undefined) return 0;
    this.headPending = false;
    let fields = headers;
    if (fields === undefined || this.headers.length > 0) {
      fields = this.headers;
      if (headers !== undefined) for (const item of headers) fields.push(item);
      this.headers = [];
    }
    if (statusCode < 200) {
      if (statusCode === 101 && upgrade && request.upgrade !== undefined)
        this.switching = { statusText, headers: fields };
      else if (statusCode === 101 || upgrade)
        this.fail(upstreamError(UPSTREAM_ERRORS.upgrade, 'the server switched protocols unasked'));
      this.informational = true;
      return 0;
    }
    this.phase = Phase.Receiving;
    this.keepAlive = keepAlive;
    request.handler.onHeaders(statusCode, statusText, fields);
    if (request.isHead) return 1;
    if (this.headOnly && statusCode !== 204 && statusCode !== 304) {
      // The body follows in this read or the next ones: taken by `receive` (the parser is told none comes).
      const length = contentLength(fields);
      if (length > 0) {
        this.bodyLeft = length;
        return 1;
      }
    }
    return 0;
  }

  /** @internal Parser callback, and the chunks of a sized body. */
  body(chunk: Buffer): void {
    const request = this.request;
    if (request !== undefined && !request.handler.onData(chunk)) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** @internal Parser callback. */
  messageComplete(): void {
    if (this.informational) {
      this.informational = false;
      return;
    }
    // A sized body read by `receive` completes there.
    if (this.bodyLeft === 0) this.complete();
  }

  /** The response is complete. */
  private complete(): void {
    const request = this.request;
    if (request === undefined) return;
    // Back to the pool, unless the server wants to close or answered before the request body was sent.
    // Reading resumes (a paused response may have ended) so that a close of the idle connection is seen.
    this.request = undefined;
    this.phase = Phase.Idle;
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    this.limit = this.pool.keepAliveMs;
    this.active = now;
    this.pool.done(this, this.keepAlive && this.requestSent);
    request.handler.onComplete();
  }

  /**
   * The server switched protocols for `request`: the connection leaves its pool and the time limits, and
   * is the tunnel's that the handler makes, or closes when it makes none.
   */
  private switchProtocols(request: UpstreamRequest, rest: Buffer): void {
    const { statusText, headers } = this.switching!;
    this.switching = undefined;
    this.request = undefined;
    this.limit = 0;
    untrack(this);
    this.pool.forget(this);
    const tunnel = request.handler.onSwitch(statusText, headers, this.socket, rest);
    if (tunnel === undefined) {
      this.socket.destroy();
      request.handler.onError(
        upstreamError(UPSTREAM_ERRORS.upgrade, 'the server switched to a protocol the request did not ask for'),
        false,
      );
    } else {
      this.tunnel = tunnel;
    }
  }

  private timeout(): void {
    const code =
      this.phase === Phase.Connecting
        ? UPSTREAM_ERRORS.connectTimeout
        : this.phase === Phase.Waiting
          ? UPSTREAM_ERRORS.headersTimeout
          : UPSTREAM_ERRORS.bodyTimeout;
    if (this.request !== undefined) this.fail(upstreamError(code, `server timed out (${code})`));
    this.socket.destroy();
  }

  private ended(): void {
    if (this.tunnel !== undefined) {
      this.tunnel.serverEnded();
      return;
    }
    if (this.request === undefined) {
      // The server closed an idle connection: it must not be picked again.
      this.socket.destroy();
      return;
    }
    // A response delimited by the end of the connection completes here; anything else was cut short.
    const result = this.parser.finish();
    if (this.request !== undefined) {
      this.fail(
        result instanceof Error ? upstreamError(UPSTREAM_ERRORS.malformed, 'malformed response') : this.closedError(),
      );
    }
  }

  private closed(): void {
    this.tunnel?.close();
    untrack(this);
    if (this.request !== undefined) this.fail(this.closedError());
    this.pool.forget(this);
    this.parser.close();
  }

  private closedError(): NodeJS.ErrnoException {
    // Nothing received yet: the server closed a kept-alive connection (or crashed) before answering.
    return this.phase === Phase.Receiving
      ? upstreamError(UPSTREAM_ERRORS.closed, 'server closed the connection mid-response')
      : upstreamError('ECONNRESET', 'server closed the connection before answering');
  }

  private fail(error: NodeJS.ErrnoException): void {
    const request = this.request;
    this.socket.destroy();
    if (request === undefined) return;
    this.request = undefined;
    this.pool.done(this, false);
    request.handler.onError(error, this.phase === Phase.Connecting);
  }
}
