import { expect } from 'chai';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import { waitFor } from '../../helpers/wait';
import { startCountingBackend, type CountingBackend } from './counting-backend';
import { albResources, applyOk, clientFrom, fetchText, freePort, newDataPlane, sleep } from './http-fixtures';
import { rawClient, type RawClient } from './http-raw';

/** Sends `bytes` bytes of body, `step` at a time every `everyMs`, until `stop()` or the socket closes. */
function trickle(client: RawClient, bytes: number, step: number, everyMs: number): { stop(): void } {
  let sent = 0;
  const timer = setInterval(() => {
    if (client.socket.destroyed || sent >= bytes) return clearInterval(timer);
    client.socket.write('x'.repeat(step));
    sent += step;
  }, everyMs);
  return { stop: () => clearInterval(timer) };
}

describe('HTTP listener: slow request bodies', function () {
  let dataPlane: DataPlane;
  let backend: CountingBackend;
  let port: number;

  beforeEach(async () => {
    backend = await startCountingBackend('slow');
    port = await freePort();
    ({ dataPlane } = newDataPlane());
    await applyOk(
      dataPlane,
      albResources({
        port,
        servers: [{ backend }],
        backend: { healthCheck: { enabled: false } },
        listener: { requestBodyGraceSeconds: 1, requestBodyMinBytesPerSecond: 2000 },
      }),
    );
  });
  afterEach(async () => {
    await dataPlane.stop(0);
    await backend.close();
  });

  it('answers 408 to a body that trickles in below the minimum rate, and closes both connections', async () => {
    const client = await rawClient(port);
    client.socket.write('POST /upload HTTP/1.1\r\nHost: lb\r\nContent-Length: 100000\r\n\r\n');
    // 20 bytes every 100 ms: 200 bytes/s, a tenth of the minimum rate.
    const sender = trickle(client, 100_000, 20, 100);
    await waitFor(() => backend.inFlight === 1, 10_000, 'the request to reach the server');
    await Promise.race([client.closed, sleep(20_000)]);
    sender.stop();
    expect(client.socket.destroyed, 'the listener closed the client connection').to.equal(true);
    expect(client.received())
      .to.match(/^HTTP\/1\.1 408 Request Timeout\r\n/)
      .and.contain('connection: close\r\n');
    await waitFor(() => backend.open === 0, 10_000, 'the server connection to close');
    expect(backend.answered).to.equal(0);

    // The server connection was not kept for another request: the next one opens a new one.
    const answer = await fetchText(clientFrom(), `http://127.0.0.1:${port}/after`);
    expect(answer.status).to.equal(200);
    expect(backend.accepted).to.equal(2);
  });

  it('lets a long body through when it keeps up the minimum rate past the grace window', async () => {
    const client = await rawClient(port);
    const size = 3 * 8000;
    client.socket.write(`POST /upload HTTP/1.1\r\nHost: lb\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`);
    // 800 bytes every 100 ms: 8000 bytes/s for 3 s, four times the minimum rate, three times the grace window.
    trickle(client, size, 800, 100);
    await Promise.race([client.closed, sleep(30_000)]);
    expect(client.received())
      .to.match(/^HTTP\/1\.1 200 OK\r\n/)
      .and.contain(`slow ${size}`);
  });

  it('leaves an ordinary upload at full speed alone', async () => {
    const body = 'y'.repeat(4 * 1024 * 1024);
    const answer = await fetchText(clientFrom(), `http://127.0.0.1:${port}/upload`, { method: 'POST', body });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.equal(`slow ${body.length}`);
  });
});
