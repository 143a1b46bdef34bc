/**
 * The start-up check of the Node internals the data plane relies on (see README.md here): each is checked
 * on the running Node before the agent binds anything, the handle move for reads in place and `destroySoon`
 * by one real exchange on loopback, so that an internal that changed fails the start naming the Node version
 * instead of hanging or dropping connections later.
 */
import { once } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import { NodeInternalsError } from '../errors';
import { HTTPParser, METHODS, newParser } from './http-parser';
import { moveToReadInPlace } from './read-in-place';
import { closeWhenFlushed } from './destroy-soon';

/** How long the loopback exchange may take before reads in place count as broken (an ignored `onread` hangs). */
const EXCHANGE_LIMIT_MS = 5000;

const PROBE = 'albkit self-check';

/** Throws unless `holds`, naming the running Node and the internal. */
function expectInternal(holds: boolean, internal: string, what: string): void {
  if (!holds) {
    throw new NodeInternalsError(
      `Node ${process.version}: ${internal} changed: ${what}; the data plane cannot run on this Node (see runtime/dataplane/node-internals/README.md)`,
    );
  }
}

/** The llhttp binding: its constants, and one request parsed with the callbacks the data plane sets. */
function checkParser(): void {
  const internal = "the llhttp binding (require('_http_common').HTTPParser)";
  const constants = [
    HTTPParser?.REQUEST,
    HTTPParser?.RESPONSE,
    HTTPParser?.kOnHeaders,
    HTTPParser?.kOnHeadersComplete,
    HTTPParser?.kOnBody,
    HTTPParser?.kOnMessageComplete,
  ];
  expectInternal(
    typeof HTTPParser === 'function' && constants.every((value) => typeof value === 'number'),
    internal,
    'its class or kOn… constants are missing',
  );
  expectInternal(Array.isArray(METHODS) && METHODS.includes('GET'), internal, 'its methods table is missing');
  const seen: string[] = [];
  const parser = newParser(HTTPParser.REQUEST, 0, seen, {
    headers: () => undefined,
    headersComplete(_major, _minor, headers, method, url) {
      this.owner.push(`${method === undefined ? '?' : METHODS[method]} ${url} ${headers?.join(',')}`);
      return 0;
    },
    body: () => undefined,
    messageComplete() {
      this.owner.push('end');
    },
  });
  const input = Buffer.from('GET /check HTTP/1.1\r\nHost: a\r\n\r\n');
  const parsed = parser.execute(input);
  parser.close();
  expectInternal(
    parsed === input.length && seen.join('|') === 'GET /check Host,a|end',
    internal,
    `a request parsed as ${JSON.stringify(seen)}`,
  );
}

/** The TLS server's own `'connection'` listener, which `guardConnections` and `handToTls` rely on. */
function checkTlsConnectionListener(): void {
  const count = tls.createServer().listenerCount('connection');
  expectInternal(count === 1, "tls.Server's 'connection' listener", `a new tls.Server has ${count} of them, not 1`);
}

/**
 * One loopback exchange through the in-place read path: a connection accepted paused moves into a socket
 * reading into a given buffer, reads the client's bytes there, answers, and closes with `destroySoon`.
 */
async function checkReadInPlace(): Promise<void> {
  const buffer = Buffer.alloc(256);
  let moved: Socket | undefined;
  let inPlace = false;
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  const accepted = new Promise<Socket | undefined>((resolve) =>
    server.once('connection', (socket: Socket) => {
      moved = moveToReadInPlace(socket, {
        buffer,
        callback(bytes, into) {
          inPlace = into === buffer && buffer.toString('latin1', 0, bytes) === PROBE;
          this.write(`${PROBE} answer`);
          closeWhenFlushed(this);
          return true;
        },
      });
      moved?.resume();
      resolve(moved);
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  let timer: NodeJS.Timeout | undefined;
  try {
    client.end(PROBE);
    const socket = await accepted;
    expectInternal(socket !== undefined, 'net.Socket#_handle', 'an accepted socket has no handle to move');
    let answer = '';
    client.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
    const closed = once(client, 'close').then(() => true);
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), EXCHANGE_LIMIT_MS)));
    const done = await Promise.race([closed, late]);
    const internal = 'reads in place (new net.Socket({ handle, onread, pauseOnCreate }))';
    expectInternal(done || inPlace, internal, `no read reached the onread buffer within ${EXCHANGE_LIMIT_MS} ms`);
    expectInternal(inPlace, internal, 'the bytes read did not arrive in the onread buffer');
    expectInternal(
      done && answer === `${PROBE} answer`,
      'net.Socket#destroySoon',
      `the answer was ${JSON.stringify(answer)} and the connection ${done ? 'closed' : 'stayed open'}`,
    );
  } finally {
    clearTimeout(timer);
    client.destroy();
    moved?.destroy();
    server.close();
  }
}

/**
 * Checks every Node internal the data plane relies on; throws a `NodeInternalsError` naming the running Node
 * and the internal that changed.
 */
export async function checkNodeInternals(): Promise<void> {
  checkParser();
  checkTlsConnectionListener();
  expectInternal(
    typeof net.Socket.prototype.destroySoon === 'function',
    'net.Socket#destroySoon',
    'it is not a function',
  );
  await checkReadInPlace();
}
