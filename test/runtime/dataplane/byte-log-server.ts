/**
 * A server that records every byte it receives and the requests it parses from them, for request smuggling
 * tests: whatever the listener forwards, this server's view is what a real server behind it would act on.
 * It parses with Node's llhttp (strict, as node:http does) and answers each request on its connection with
 * `<method> <url>` as the body, so a response names the request it belongs to.
 */
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { HTTPParser } from '../../../runtime/dataplane/node-internals/http-parser';

/** A request as the server parsed it. */
export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  /** Raw header fields, `[name, value…]`. */
  readonly headers: string[];
  readonly body: string;
}

export interface ByteLogServer {
  readonly port: number;
  /** Every request parsed, in arrival order over all connections. */
  readonly requests: LoggedRequest[];
  /** Every byte received, per connection, as latin1 text. */
  readonly bytes: string[];
  /** Parse errors met (the bytes were not HTTP/1.1 as the server reads it). */
  readonly errors: string[];
  /** Answers `/hold…` requests only when `release()` is called (to keep a request in flight). */
  release(): void;
  close(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { methods } = require('_http_common') as { methods: readonly string[] };

/** Starts the server on 127.0.0.1 (ephemeral port). */
export async function startByteLogServer(): Promise<ByteLogServer> {
  const requests: LoggedRequest[] = [];
  const bytes: string[] = [];
  const errors: string[] = [];
  const sockets = new Set<net.Socket>();
  const held: Array<() => void> = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const index = bytes.push('') - 1;
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
    let current: { method: string; url: string; headers: string[]; body: string } | undefined;
    parser[HTTPParser.kOnHeadersComplete] = (
      _major: number,
      _minor: number,
      headers: string[],
      method: number,
      url: string,
    ) => {
      current = { method: methods[method]!, url, headers, body: '' };
      return 0;
    };
    parser[HTTPParser.kOnBody] = (chunk: Buffer) => {
      current!.body += chunk.toString('latin1');
    };
    parser[HTTPParser.kOnMessageComplete] = () => {
      const request = current!;
      requests.push(request);
      const text = `${request.method} ${request.url}`;
      const answer = (): void => {
        if (!socket.destroyed) socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
      };
      if (request.url.startsWith('/hold')) held.push(answer);
      else answer();
    };
    socket.on('data', (chunk: Buffer) => {
      bytes[index] += chunk.toString('latin1');
      let rest = chunk;
      // An upgrade request stops the parser; the bytes after it are parsed as what they are.
      while (rest.length > 0) {
        const result = parser.execute(rest) as number | Error;
        if (result instanceof Error) {
          errors.push((result as Error & { code: string }).code);
          socket.destroy();
          return;
        }
        if (result === 0) return;
        rest = rest.subarray(result);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      parser.close();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    bytes,
    errors,
    release: () => {
      for (const answer of held.splice(0)) answer();
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
