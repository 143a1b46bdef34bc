/**
 * An HTTP server that counts its connections as it sees them (accepted, open now, most open at once, closed)
 * and the requests it holds, for tests of the limits on what the listener sends to a server. It answers each
 * request, once its body is read, with the body's length; `holdMs` delays the answers, `hold()` keeps them
 * until `release()`.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CountingBackend {
  readonly name: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  /** The most connections open at once. */
  readonly maxOpen: number;
  /** Requests whose head arrived and that are not answered yet. */
  readonly inFlight: number;
  /** Requests answered. */
  readonly answered: number;
  /** From now on, answers wait for `release()`. */
  hold(): void;
  /** Answers every held request, and stops holding. */
  release(): void;
  close(): Promise<void>;
}

/** Starts a counting backend on 127.0.0.1; its answers are delayed by `holdMs`. */
export async function startCountingBackend(name: string, holdMs = 0): Promise<CountingBackend> {
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  let holding = false;
  let accepted = 0;
  let maxOpen = 0;
  let inFlight = 0;
  let answered = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    let over = false;
    const done = (): void => {
      if (!over) inFlight--;
      over = true;
    };
    let length = 0;
    req.on('data', (chunk: Buffer) => (length += chunk.length));
    req.on('end', () => {
      const answer = (): void => {
        if (over) return;
        done();
        answered++;
        res.setHeader('content-type', 'text/plain');
        res.end(`${name} ${length}`);
      };
      if (holding) held.push(answer);
      else if (holdMs > 0) setTimeout(answer, holdMs);
      else answer();
    });
    res.on('close', done);
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    maxOpen = Math.max(maxOpen, sockets.size);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    name,
    port,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    get inFlight() {
      return inFlight;
    },
    get answered() {
      return answered;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
