/**
 * The quickstart's demo backends: small HTTP servers that answer every request with their own name
 * (`backend 9001`) and 200 to `HEAD /healthz`, and a TCP echo server.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';

/** A running demo backend. */
export interface DemoBackend {
  readonly name: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts an HTTP backend on `host:port` (port 0: any) that answers `<name>\n`. */
export async function startHttpBackend(port: number, host = '127.0.0.1', name?: string): Promise<DemoBackend> {
  let label = name ?? `backend ${port}`;
  const server = createHttpServer((request, response) => {
    response.setHeader('content-type', 'text/plain; charset=utf-8');
    response.setHeader('x-backend', label);
    if (request.url === '/healthz') {
      response.end(request.method === 'HEAD' ? undefined : 'ok\n');
      return;
    }
    request.resume();
    response.end(`${label}\n`);
  });
  server.keepAliveTimeout = 5_000;
  const bound = await listen(server, port, host);
  label = name ?? `backend ${bound}`;
  return { name: label, port: bound, close: () => close(server) };
}

/** Starts a TCP echo backend on `host:port` (port 0: any). */
export async function startEchoBackend(port: number, host = '127.0.0.1'): Promise<DemoBackend> {
  const server = createTcpServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  const bound = await listen(server, port, host);
  return { name: `echo ${bound}`, port: bound, close: () => close(server) };
}

function listen(server: HttpServer | TcpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`demo backend ${host}:${port}: ${error.code ?? error.message}`)),
    );
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
}

function close(server: HttpServer | TcpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}
