/**
 * Protocol upgrades (WebSocket and the like) on HTTP/HTTPS listeners. An upgrade request goes to a server as
 * any request does (session cookie, scheduler, retries, X-Forwarded-For/-Proto/-Port), with `Connection:
 * upgrade` and its `Upgrade` header kept. Only a `101 Switching Protocols` naming a protocol the request
 * asked for turns the connection into a byte tunnel; any other answer is an ordinary response, after which
 * the listener goes on parsing the client's requests (as HAProxy does). `h2c` is never carried: such a
 * request is forwarded without its `Upgrade` and `HTTP2-Settings` headers, as an ordinary request (as
 * nghttpx and mitmproxy do), so a server cannot switch the connection to cleartext HTTP/2 behind the
 * listener. A tunnel passes bytes both ways with backpressure and closes when either side closes or
 * stays silent for the idle timeout. Off the hot path: one `Tunnel` per upgraded connection.
 */
import type { Socket } from 'node:net';
import { rawHeader } from './http-headers';
import type { UpstreamTunnel } from './upstream';

/** The client side of a tunnel as its connection feeds it. */
export interface TunnelFeed {
  /** Bytes from the client (in a buffer that may be reused: copied here). */
  fromClient(chunk: Buffer): void;
  /** The client ended its side. */
  clientEnded(): void;
  /** The client connection closed. */
  close(): void;
}

/** The protocols an `Upgrade` header value names, lower-cased, versions kept (`websocket`, `foo/2`). */
function protocols(value: string | undefined): string[] {
  return value === undefined
    ? []
    : value
        .split(',')
        .map((token) => token.trim().toLowerCase())
        .filter((token) => token !== '');
}

/**
 * The `Upgrade` value an upgrade request asks for, or undefined when the listener does not carry it: none
 * given, or `h2c` among them (HTTP/2 cleartext is not carried).
 */
export function requestedUpgrade(raw: readonly string[]): string | undefined {
  const value = rawHeader(raw, 'upgrade');
  const asked = protocols(value);
  return asked.length === 0 || asked.some((protocol) => protocol === 'h2c' || protocol.startsWith('h2c/'))
    ? undefined
    : value;
}

/** Whether a 101 response's `Upgrade` value names one protocol, and one the request (`asked`) named. */
export function switchesTo(asked: string, answered: string | undefined): boolean {
  const chosen = protocols(answered);
  return chosen.length === 1 && protocols(asked).includes(chosen[0]!);
}

/** The 101 response head sent to the client: the server's status line and headers, in order. */
export function switchingHead(statusText: string, raw: readonly string[]): string {
  let head = `HTTP/1.1 101 ${statusText}\r\n`;
  for (let i = 0; i < raw.length; i += 2) head += `${raw[i]!}: ${raw[i + 1]!}\r\n`;
  return `${head}\r\n`;
}

/** A client connection and a server connection joined after a 101. */
export class Tunnel implements TunnelFeed, UpstreamTunnel {
  private open = true;

  /**
   * Joins `client` and `server`, whose connection switched protocols; `release` ends the server's count
   * as active. `tunnels` holds the client socket until the tunnel closes (closed at the listener's stop
   * deadline).
   */
  constructor(
    private readonly client: Socket,
    private readonly server: Socket,
    idleTimeoutMs: number,
    private readonly tunnels: Set<Socket>,
    private readonly release: () => void,
  ) {
    tunnels.add(client);
    client.setTimeout(idleTimeoutMs);
    server.setTimeout(idleTimeoutMs);
    client.on('timeout', () => this.close());
    server.on('timeout', () => this.close());
    client.on('drain', () => server.resume());
  }

  fromClient(chunk: Buffer): void {
    if (this.open && !this.server.write(Buffer.from(chunk))) this.client.pause();
  }

  clientEnded(): void {
    if (this.open) this.server.end();
  }

  fromServer(chunk: Buffer): void {
    if (this.open && !this.client.write(Buffer.from(chunk))) this.server.pause();
  }

  serverEnded(): void {
    if (this.open) this.client.end();
  }

  serverDrained(): void {
    if (this.open) this.client.resume();
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.tunnels.delete(this.client);
    this.client.destroy();
    this.server.destroy();
    this.release();
  }
}
