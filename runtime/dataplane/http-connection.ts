/**
 * One client connection of an HTTP/HTTPS listener: Node's llhttp parser in request mode straight on the
 * socket (no `IncomingMessage`, `ServerResponse` or stream per request), one `Exchange` per request, answers
 * in request order. Pipelined requests are parsed as they come and wait in a queue, and the socket stops
 * being read while any wait, so at most one read's worth is held. Parse errors are answered 400 (431 for
 * oversized heads) after the answers owed, then the connection closes; request smuggling shapes (Content-
 * Length with Transfer-Encoding, conflicting lengths, bad chunk framing) are parse errors.
 *
 * A request body must keep up a minimum rate once its grace window is over (the listener's
 * `requestBodyGraceSeconds` and `requestBodyMinBytesPerSecond`, as Apache's mod_reqtimeout `body=20,MinRate=500`):
 * a slower one is answered 408 and both its connections close. The window restarts whenever reading resumes
 * after the listener paused it (the server not taking the body, or the request waiting for a server).
 *
 * Timeouts are not timers per socket: the listener sweeps its connections (`checkTimeouts`) a few times a
 * second against the coarse clock (http-clock.ts), which reads and writes stamp.
 */
import type { Socket } from 'node:net';
import { now, tick } from './http-clock';
import { ANSWERS, CLOSE_LINE, answerText, type CannedAnswer } from './http-answers';
import { ASSERT_STATES, UPGRADE_MACHINE, UpgradeState, assertTransition } from './http-states';
import { closeWhenFlushed } from './node-internals/destroy-soon';
import {
  HTTPParser,
  METHODS,
  newParser,
  readBuffer,
  type HttpParser,
  type ParseError,
  type ParserCallbacks,
} from './node-internals/http-parser';
import { Exchange, type HttpRoute } from './http-proxy';
import { requestedUpgrade, Tunnel, type TunnelFeed } from './http-upgrade';
import type { UpstreamTunnel } from './upstream';
import type { ExchangeConnection } from './types';

/** What a connection needs from its listener. */
export interface ConnectionHost {
  /** The listener's route now (replaced on configuration changes). */
  readonly route: HttpRoute;
  /** Open connections, swept for timeouts and drained on stop. */
  readonly connections: Set<ClientConnection>;
  /** Connections that became tunnels (upgrades), closed at the stop deadline. */
  readonly tunnels: Set<Socket>;
}

/**
 * Extra time a connection with a request in flight may stay silent beyond the idle timeout, so that a stalled
 * server is answered with 504 (its own idle timeout) before the client connection is dropped.
 */
const IN_FLIGHT_GRACE_MS = 1000;

/**
 * The most requests a connection may have waiting behind the one being answered (all parsed from reads
 * already made). Further ones are not taken: the connection closes after answering these, and the client
 * sends the rest again on a new one, as HTTP/1.1 lets clients do with unanswered pipelined requests.
 */
export const MAX_WAITING_REQUESTS = 128;

const CONNECTION = Symbol('albkit.connection');
const EMPTY = Buffer.alloc(0);
type ClientSocket = Socket & { [CONNECTION]: ClientConnection };

const callbacks: ParserCallbacks<ClientConnection> = {
  headers(headers, url) {
    this.owner.addHeaders(headers, url);
  },
  headersComplete(major, minor, headers, method, url, _status, _text, upgrade, keepAlive) {
    this.owner.request(major, minor, headers, method!, url!, upgrade, keepAlive);
    return 0;
  },
  body(chunk) {
    this.owner.body(chunk);
  },
  messageComplete() {
    this.owner.messageComplete();
  },
};

function onData(this: ClientSocket, chunk: Buffer): void {
  this[CONNECTION].read(chunk);
}

/**
 * The `onread` callback of plain HTTP client sockets (see `readsInPlace`), called with the socket as `this`:
 * the bytes are in the shared `readBuffer`.
 */
export function onReadInPlace(this: Socket, bytes: number): boolean {
  (this as ClientSocket)[CONNECTION].read(readBuffer.subarray(0, bytes));
  return true;
}

function onEnd(this: ClientSocket): void {
  this[CONNECTION].clientEnded();
}

function onDrain(this: ClientSocket): void {
  this[CONNECTION].current?.resumeUpstream();
}

function onError(this: ClientSocket): void {
  this.destroy();
}

function onClose(this: ClientSocket): void {
  this[CONNECTION].closed();
}

/** A client connection being served. */
export class ClientConnection implements ExchangeConnection {
  /** The client's address, for X-Forwarded-For and scheduling. */
  readonly clientIp: string;
  /** The listener address the client reached. */
  readonly localAddress: string | undefined;
  /** The exchange being answered. */
  current: Exchange | undefined = undefined;
  /** Coarse time the request head being read began, 0 between requests: for the headers timeout. */
  private headStart: number;
  /** Coarse time of the last read or write. */
  private active: number;
  /** Coarse time the body being read started (or reading it resumed), for its minimum rate. */
  private bodyStart = 0;
  /** Body bytes read since `bodyStart`. */
  private bodyBytes = 0;
  private readonly parser: HttpParser<ClientConnection>;
  /** Requests parsed behind `current`, answered in order. */
  private readonly queue: Exchange[] = [];
  /** The request whose body is being read. */
  private reading: Exchange | undefined = undefined;
  /** Header fields and URL of a head too long for one parser call. */
  private headers: string[] | undefined = undefined;
  private url = '';
  /** No more requests are read: a request asked to close, upgraded, or the input broke. */
  private closing = false;
  /** Reading is paused until the server takes the request body. */
  private bodyPaused = false;
  /** The answer to a parse error, sent once the answers owed are written. */
  private failure: CannedAnswer | undefined = undefined;
  /**
   * Where the connection is with an upgrade request; moved only by `moveUpgrade`. Once one was parsed, nothing
   * more is parsed until its answer says whether the connection switches protocols (then the bytes after it
   * are the tunnel's) or not (then they are parsed as requests).
   */
  private upgradeState = UpgradeState.None;
  /** The bytes read after the upgrade request, once it was read to its end; undefined before. */
  private upgradeRest: Buffer | undefined = undefined;
  /** Once the connection is a tunnel: where what the client sends goes. */
  private tunnelFeed: TunnelFeed | undefined = undefined;

  /**
   * Serves `socket`. One made with `onread: { buffer: readBuffer, callback: onReadInPlace }` and paused is
   * resumed here; any other is read through `data` events.
   */
  constructor(
    private readonly host: ConnectionHost,
    readonly socket: Socket,
    maxHeaderBytes: number,
    readsInPlace: boolean,
  ) {
    this.clientIp = socket.remoteAddress ?? '';
    this.localAddress = socket.localAddress;
    // The precise time once per connection: the headers timeout of a first request counts from here.
    this.headStart = tick();
    this.active = this.headStart;
    this.parser = newParser(HTTPParser.REQUEST, maxHeaderBytes, this, callbacks);
    (socket as ClientSocket)[CONNECTION] = this;
    if (readsInPlace) socket.resume();
    else socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('drain', onDrain);
    socket.on('error', onError);
    socket.on('close', onClose);
    host.connections.add(this);
  }

  /** Stamps activity (a write to the client). */
  touch(): void {
    this.active = now;
  }

  /** @internal Bytes from the client. */
  read(chunk: Buffer): void {
    if (this.tunnelFeed !== undefined) {
      this.tunnelFeed.fromClient(chunk);
      return;
    }
    this.active = now;
    if (this.headStart === 0 && this.current === undefined) this.headStart = now;
    let rest = chunk;
    for (;;) {
      const result = this.parser.execute(rest);
      if (typeof result !== 'number') {
        this.parseError(result);
        return;
      }
      if (result === rest.length) return;
      // The parser stopped after a request asking for an upgrade. One being answered keeps what follows
      // (copied: the read buffer may be shared); one the listener does not carry (h2c) is parsed past.
      rest = rest.subarray(result);
      if (this.upgrading) {
        this.upgradeRest = Buffer.from(rest);
        return;
      }
      if (this.closing) return;
    }
  }

  /** @internal Parser callback: fields of a long head. */
  addHeaders(headers: string[], url: string): void {
    const into = (this.headers ??= []);
    for (const item of headers) into.push(item);
    this.url += url;
  }

  /** @internal Parser callback: a request head. */
  request(
    major: number,
    minor: number,
    headers: string[] | undefined,
    method: number,
    url: string,
    upgrade: boolean,
    keepAlive: boolean,
  ): void {
    let raw = headers;
    if (raw === undefined || this.headers !== undefined) {
      raw = this.headers ?? [];
      if (headers !== undefined) for (const item of headers) raw.push(item);
      this.headers = undefined;
    }
    if (this.url !== '') {
      url = this.url + url;
      this.url = '';
    }
    this.headStart = 0;
    if (this.closing) return;
    const methodName = METHODS[method]!;
    const http10 = major === 1 && minor === 0;
    const upgradeRequest = upgrade && methodName !== 'CONNECT' ? requestedUpgrade(raw) : undefined;
    const exchange = new Exchange(this.host.route, this, methodName, url, raw, keepAlive, http10, upgradeRequest);
    if (!keepAlive || exchange.refused) this.closing = true;
    if (upgradeRequest !== undefined && !this.closing) this.moveUpgrade(UpgradeState.Requested);
    this.reading = exchange;
    this.bodyStart = now;
    this.bodyBytes = 0;
    if (this.current === undefined) {
      this.current = exchange;
      exchange.start();
    } else {
      this.queue.push(exchange);
      this.socket.pause();
      if (this.queue.length === MAX_WAITING_REQUESTS) this.closing = true;
    }
  }

  /** @internal Parser callback. */
  body(chunk: Buffer): void {
    this.bodyBytes += chunk.length;
    this.reading?.requestBody(chunk);
  }

  /** @internal Parser callback. */
  messageComplete(): void {
    const reading = this.reading;
    this.reading = undefined;
    if (this.upgradeState === UpgradeState.Requested) {
      // Nothing after an upgrade request is read until its answer comes.
      this.moveUpgrade(UpgradeState.AwaitingAnswer);
      this.upgradeRest = EMPTY;
      this.socket.pause();
    }
    reading?.requestEnd();
  }

  /** The server is not taking the request body as fast as the client sends it: stop reading. */
  pauseBody(): void {
    this.bodyPaused = true;
    this.socket.pause();
  }

  /** The server took the request body: read again, unless pipelined requests wait. */
  resumeBody(): void {
    if (!this.bodyPaused) return;
    this.bodyPaused = false;
    this.bodyStart = now;
    this.bodyBytes = 0;
    if (this.queue.length === 0 && !this.upgrading && !this.socket.destroyed) this.socket.resume();
  }

  /**
   * `exchange` has written its whole answer; `keepAlive` when the connection stays open. Starts the next
   * pipelined request, or waits for one.
   */
  answered(exchange: Exchange, keepAlive: boolean): void {
    if (exchange !== this.current) return;
    this.current = undefined;
    this.active = now;
    if (!keepAlive) {
      this.close();
      return;
    }
    // Its request was read to the end: reading no longer waits for its server to take the body.
    const paused = this.bodyPaused;
    this.bodyPaused = false;
    if (exchange.upgrade !== undefined && this.upgrading) {
      // An ordinary answer to an upgrade request: what the client sent after it is requests again.
      const rest = this.upgradeRest ?? EMPTY;
      this.moveUpgrade(UpgradeState.None);
      this.upgradeRest = undefined;
      this.socket.resume();
      if (rest.length > 0) this.read(rest);
      if (this.current === undefined && this.closing) this.close();
      return;
    }
    const next = this.queue.shift();
    if (next !== undefined) {
      this.current = next;
      if (this.queue.length === 0 && !this.upgrading) this.socket.resume();
      next.start();
    } else if (this.failure !== undefined) {
      this.refuse(this.failure);
    } else if (this.closing) {
      this.close();
    } else if (paused) {
      this.socket.resume();
    }
  }

  /** Whether the connection closes after the answer being written (it takes no more requests). */
  get closesAfterCurrent(): boolean {
    return this.closing && this.queue.length === 0 && this.failure === undefined;
  }

  /**
   * @internal The client ended its side (a half-close: `shutdown(SHUT_WR)`): the requests it sent in full
   * are answered, in order, then the connection closes, as `node:http` and nginx do. A request cut short
   * (its body incomplete) cannot be, so then the connection closes at once.
   */
  clientEnded(): void {
    if (this.tunnelFeed !== undefined) {
      this.tunnelFeed.clientEnded();
      return;
    }
    this.closing = true;
    if (this.current !== undefined && this.reading === undefined) return;
    this.current?.abort();
    this.current = undefined;
    this.queue.length = 0;
    this.close();
  }

  /**
   * Checks the timeouts at coarse time `time`: headers (408), a request body's minimum rate (408), idle
   * keep-alive, silent in-flight; and drains.
   */
  checkTimeouts(time: number, headersTimeoutMs: number, idleTimeoutMs: number, draining: boolean): void {
    if (this.current !== undefined) {
      if (time - this.active > idleTimeoutMs + IN_FLIGHT_GRACE_MS) this.socket.destroy();
      else if (this.reading === this.current && !this.bodyPaused && this.bodyTooSlow(time)) this.slowBody();
    } else if (draining) {
      this.socket.destroy();
    } else if (this.headStart !== 0) {
      if (time - this.headStart >= headersTimeoutMs) this.refuse(ANSWERS.headersTimeout);
    } else if (time - this.active >= idleTimeoutMs) {
      this.socket.destroy();
    }
  }

  /** Whether the body being read fell below the listener's minimum rate after its grace window. */
  private bodyTooSlow(time: number): boolean {
    const { bodyGraceMs, bodyMinBytesPerSecond } = this.host.route;
    const late = time - this.bodyStart - bodyGraceMs;
    return bodyMinBytesPerSecond > 0 && late > 0 && this.bodyBytes * 1000 < late * bodyMinBytesPerSecond;
  }

  /** The body being read is too slow: no more is read, its server connection is dropped, the client answered 408. */
  private slowBody(): void {
    this.socket.pause();
    this.closing = true;
    const exchange = this.current!;
    this.reading = undefined;
    exchange.abandonBody(ANSWERS.bodyTooSlow);
  }

  /** Whether no request is being answered (for draining). */
  get idle(): boolean {
    return this.current === undefined;
  }

  /** @internal The socket closed. */
  closed(): void {
    if (this.tunnelFeed !== undefined) {
      this.tunnelFeed.close();
      return;
    }
    this.host.connections.delete(this);
    this.current?.abort();
    this.current = undefined;
    this.queue.length = 0;
    this.parser.close();
  }

  /**
   * The server switched protocols for the upgrade request being answered: writes `head` (its 101) and
   * `serverRest` to the client, and joins the client and `server` in a tunnel (`release` runs when it
   * closes). What the client sent after the request goes to the server first.
   */
  switchProtocols(head: string, server: Socket, serverRest: Buffer, release: () => void): UpstreamTunnel {
    const socket = this.socket;
    socket.off('drain', onDrain);
    this.host.connections.delete(this);
    this.current = undefined;
    this.moveUpgrade(UpgradeState.Tunnel);
    this.parser.close();
    const tunnel = new Tunnel(socket, server, this.host.route.idleTimeoutMs, this.host.tunnels, release);
    this.tunnelFeed = tunnel;
    socket.write(head, 'latin1');
    if (serverRest.length > 0) tunnel.fromServer(serverRest);
    const clientRest = this.upgradeRest;
    this.upgradeRest = undefined;
    if (clientRest !== undefined && clientRest.length > 0) tunnel.fromClient(clientRest);
    socket.resume();
    return tunnel;
  }

  private parseError(error: ParseError): void {
    // Bytes after a request that asked to close: that request is answered, the rest ignored.
    if (error.code === 'HPE_CLOSED_CONNECTION') return;
    this.socket.pause();
    const answer = error.code === 'HPE_HEADER_OVERFLOW' ? ANSWERS.headersTooLarge : ANSWERS.badRequest;
    if (this.reading !== undefined) {
      // The request whose body was being read is broken (bad chunk framing…): nothing more can be sent for it.
      if (this.current === this.reading) {
        this.closing = true;
        this.current.abandonBody(ANSWERS.badRequest);
        return;
      }
      this.queue.pop();
    }
    this.closing = true;
    this.reading = undefined;
    if (this.current === undefined) this.refuse(answer);
    else this.failure = answer;
  }

  /** Answers a request the parser or the headers timeout refused, and closes. */
  private refuse(answer: CannedAnswer): void {
    this.socket.write(answerText(answer, CLOSE_LINE), 'latin1');
    this.host.route.counts.responses[4]!++;
    this.close();
  }

  /** An upgrade request is being read or waits for its answer: what follows it is held, not parsed. */
  private get upgrading(): boolean {
    return this.upgradeState === UpgradeState.Requested || this.upgradeState === UpgradeState.AwaitingAnswer;
  }

  /** Moves the upgrade hand-off to `to` (checked when `ASSERT_STATES`). */
  private moveUpgrade(to: UpgradeState): void {
    if (ASSERT_STATES) assertTransition(UPGRADE_MACHINE, this.upgradeState, to);
    this.upgradeState = to;
  }

  /** Closes once what was written is flushed. */
  private close(): void {
    this.closing = true;
    closeWhenFlushed(this.socket);
  }
}
