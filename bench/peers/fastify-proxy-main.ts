/**
 * The off-the-shelf Node proxy a user would pick: fastify + @fastify/http-proxy over an undici BalancedPool
 * of the backends, with X-Forwarded-For appended. Run as its own process:
 * `node fastify-proxy-main.js <port> <upstream-url>...`.
 */
import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';
import { BalancedPool } from 'undici';
import { HOST } from '../ports';

async function main(): Promise<void> {
  const [port, ...upstreams] = process.argv.slice(2);
  if (!port || upstreams.length === 0) throw new Error('usage: fastify-proxy-main <port> <upstream-url>...');
  const app = Fastify({ logger: false });
  await app.register(proxy, {
    upstream: upstreams[0]!,
    undici: new BalancedPool(upstreams),
    replyOptions: {
      rewriteRequestHeaders: (request, headers) => ({
        ...headers,
        'x-forwarded-for': headers['x-forwarded-for']
          ? `${String(headers['x-forwarded-for'])}, ${request.ip}`
          : request.ip,
      }),
    },
  });
  await app.listen({ host: HOST, port: Number(port) });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
