/**
 * Raw HTTP/1.1 on a socket, for tests that need to see exactly what a listener writes: a client that sends
 * bytes and collects the answer, and a response reader written independently of the data plane's parser.
 */
import { once } from 'node:events';
import net from 'node:net';
import { LB_ADDRESS } from './http-fixtures';

/** One response as read from the wire. */
export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeated ones joined with `, `. */
  headers: Record<string, string>;
  body: string;
}

/** A connection to a listener from `localAddress`, with everything it received so far. */
export interface RawClient {
  readonly socket: net.Socket;
  /** Everything received, as latin1 text. */
  received(): string;
  /** Resolves once the listener closed the connection. */
  readonly closed: Promise<void>;
}

/** Connects to the listener on `port`. */
export async function rawClient(port: number, localAddress = '127.0.0.1'): Promise<RawClient> {
  const socket = net.connect({ host: LB_ADDRESS, port, localAddress, noDelay: true });
  await once(socket, 'connect');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text, closed };
}

/** Sends `text` and resolves with everything answered until the listener closes the connection. */
export async function exchangeUntilClose(port: number, text: string): Promise<string> {
  const client = await rawClient(port);
  client.socket.write(text);
  await client.closed;
  return client.received();
}

/**
 * Reads the complete responses at the start of `text` (Content-Length, chunked, or no body for 1xx, 204,
 * 304 and the `headOnly` indexes); `rest` is what follows them (a response still arriving, or one read until
 * the connection closed).
 */
export function readResponses(
  text: string,
  headOnly: ReadonlySet<number> = new Set(),
): { responses: RawResponse[]; rest: string } {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine, ...lines] = text.slice(at, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(statusLine!)?.[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    let from = end + 4;
    let body = '';
    if (status < 200 || status === 204 || status === 304 || headOnly.has(responses.length)) {
      // No body.
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (text.length < from + length) break;
      body = text.slice(from, from + length);
      from += length;
    } else if (headers['transfer-encoding'] === 'chunked') {
      let complete = false;
      for (;;) {
        const lineEnd = text.indexOf('\r\n', from);
        if (lineEnd < 0) break;
        const size = parseInt(text.slice(from, lineEnd), 16);
        if (size === 0) {
          if (text.length < lineEnd + 4) break;
          from = lineEnd + 4;
          complete = true;
          break;
        }
        if (text.length < lineEnd + 2 + size + 2) break;
        body += text.slice(lineEnd + 2, lineEnd + 2 + size);
        from = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
    } else {
      break;
    }
    responses.push({ status, headers, body });
    at = from;
  }
  return { responses, rest: text.slice(at) };
}

/** Polls `client` until `count` complete responses arrived (or 5 s pass); resolves with them. */
export async function responsesOf(client: RawClient, count: number): Promise<RawResponse[]> {
  const until = Date.now() + 5000;
  let read = readResponses(client.received());
  while (read.responses.length < count && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    read = readResponses(client.received());
  }
  return read.responses;
}
