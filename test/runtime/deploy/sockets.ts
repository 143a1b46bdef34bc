/** Probing listeners from the outside: a refused connect, one HTTP answer from an address, a keep-alive client. */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { shopManifest } from '../api/fixture';

/** The error code of a TCP connect to `address:port`, or 'connected' when it was accepted. */
export function connectOutcome(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** The body of `GET /` on `address:port` (a new connection), or the error code when it fails. */
export async function bodyAt(address: string, port: number): Promise<string> {
  try {
    const response = await fetch(`http://${address}:${port}/`, { signal: AbortSignal.timeout(3000) });
    return await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? (error as Error).message;
  }
}

/** A plain server holding `address:port`, so that the agent finds the port in use. */
export async function holdPort(address: string, port: number): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  server.listen({ host: address, port, exclusive: true });
  await once(server, 'listening');
  return server;
}

/** Closes a server and waits until it is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** One keep-alive HTTP/1.1 connection, one request at a time: tells whether the same connection still serves. */
export class KeepAliveClient {
  private buffered = '';
  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.buffered += chunk));
  }

  /** Opens the connection. */
  static async open(address: string, port: number): Promise<KeepAliveClient> {
    const socket = connect({ host: address, port });
    await once(socket, 'connect');
    return new KeepAliveClient(socket);
  }

  /** Sends `GET /` and resolves with the response body; rejects when the connection closes first. */
  async get(): Promise<string> {
    this.buffered = '';
    this.socket.write('GET / HTTP/1.1\r\nHost: lb\r\n\r\n');
    for (;;) {
      const head = this.buffered.indexOf('\r\n\r\n');
      const length = /content-length: *(\d+)/i.exec(this.buffered.slice(0, Math.max(head, 0)));
      if (head >= 0 && length && this.buffered.length >= head + 4 + Number(length[1])) {
        return this.buffered.slice(head + 4, head + 4 + Number(length[1]));
      }
      if (this.socket.destroyed || this.socket.readableEnded) throw new Error('the connection was closed');
      await Promise.race([once(this.socket, 'data'), once(this.socket, 'close')]);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * A public load balancer `shop` on 127.0.0.1 with the EIP `shop-eip` at `eip`, and an HTTP listener on each
 * of `ports` to one backend.
 */
export function publicShop(options: { eip: string; ports: readonly number[]; backendPort: number }): {
  apiVersion: 'albkit/v1';
  resources: unknown[];
} {
  const base = shopManifest({ listenerPort: options.ports[0] as number, backendPort: options.backendPort });
  const [group, balancer, ...rest] = base.resources as { id: string; kind: string; spec: Record<string, unknown> }[];
  const listener = rest.find((r) => r.kind === 'Listener') as {
    id: string;
    kind: string;
    spec: Record<string, unknown>;
  };
  const listeners = options.ports.map((port, index) => ({
    ...listener,
    id: `shop/http-${index}`,
    spec: { ...listener.spec, port },
  }));
  return {
    apiVersion: 'albkit/v1',
    resources: [
      group,
      { id: 'shop-eip', kind: 'Eip', spec: { address: options.eip } },
      { ...balancer, spec: { ...balancer!.spec, eip: 'shop-eip' } },
      ...rest.filter((r) => r.kind !== 'Listener'),
      ...listeners,
    ],
  };
}
