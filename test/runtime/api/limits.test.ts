import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { expect } from 'chai';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { manyLoadBalancers, shopManifest } from './fixture';

type ErrorBody = { error: { code: string; message: string } };

/** Opens a raw connection, sends `head` (request line and headers, no terminating blank line) and resolves once the agent answered `100 Continue`. */
async function startUpload(
  agent: TestAgent,
  path: string,
  length: number,
): Promise<{ socket: Socket; reply: Promise<string> }> {
  const { port } = new URL(agent.endpoint);
  const socket = connect(Number(port), '127.0.0.1');
  let text = '';
  const reply = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  const continued = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('100 Continue')) resolve();
    });
  });
  socket.write(
    [
      `PUT ${path} HTTP/1.1`,
      'host: 127.0.0.1',
      `authorization: Bearer ${agent.token}`,
      'content-type: application/json',
      `content-length: ${length}`,
      'expect: 100-continue',
      'connection: close',
      '',
      '',
    ].join('\r\n'),
  );
  await continued;
  return { socket, reply };
}

/** Answers once the agent no longer refuses manifest runs as busy (an empty stack's run is a no-op). */
async function untilIdle(agent: TestAgent): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const response = await agent.call('PUT', '/v1/manifest?stack=idle-check', {
      apiVersion: 'albkit/v1',
      resources: [],
    });
    if (response.status !== 429) return response.status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the agent still refuses manifest runs as busy after 200 attempts');
}

describe('Control API: limits under load', () => {
  let agent: TestAgent;
  let backend: Server;
  let backendPort: number;
  let probePort: number;

  before(async () => {
    backend = createServer((_request, response) => response.end('backend'));
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    backendPort = (backend.address() as { port: number }).port;
    probePort = await freePort();
    agent = await startAgent({ manifest: shopManifest({ listenerPort: probePort, backendPort }) });
  });
  after(async () => {
    await agent?.stop();
    await new Promise((resolve) => backend.close(resolve));
  });

  for (const path of ['/v1/manifest', '/v1/security-groups/deep']) {
    it(`refuses a body to ${path} nested deeper than 64 levels with 400, before parsing it`, async () => {
      // Not even valid JSON after the nesting: the depth check answers first.
      const body = `{"apiVersion":"albkit/v1","spec":${'['.repeat(65)} this is not JSON`;
      const response = await agent.call<ErrorBody>('PUT', path, body);
      expect(response.status).to.equal(400);
      expect(response.body.error.code).to.equal('BAD_REQUEST');
      expect(response.body.error.message).to.equal(
        'request body nests objects and arrays deeper than 64 levels; nothing was parsed',
      );
    });
  }

  it('accepts nesting up to 64 levels (brackets inside strings do not count)', async () => {
    const body = JSON.stringify({ spec: { ingress: [] }, owner: '[[[[' }).replace(
      '"ingress":[]',
      `"ingress":${'['.repeat(61)}${']'.repeat(61)}`,
    );
    const response = await agent.call<ErrorBody>('PUT', '/v1/security-groups/deep', body);
    expect(response.status).to.equal(400);
    expect(response.body.error.code).to.equal('VALIDATION');
  });

  it('refuses a second manifest run while one is received with 429 BUSY naming the stack, and takes the next once it is done', async () => {
    const first = JSON.stringify({ apiVersion: 'albkit/v1', resources: [] });
    const upload = await startUpload(agent, '/v1/manifest?stack=first', Buffer.byteLength(first));
    const second = await agent.call<ErrorBody>('PUT', '/v1/manifest?stack=second', {
      apiVersion: 'albkit/v1',
      resources: [],
    });
    expect(second.status).to.equal(429);
    expect(second.headers.get('retry-after')).to.equal('1');
    expect(second.body.error.code).to.equal('BUSY');
    expect(second.body.error.message).to.equal(
      'a manifest run (stack "first") is in progress and runs one at a time; retry once it has finished',
    );
    upload.socket.write(first);
    expect(await upload.reply).to.match(/HTTP\/1\.1 200 OK/);
    expect(
      (await agent.call('PUT', '/v1/manifest?stack=second', { apiVersion: 'albkit/v1', resources: [] })).status,
    ).to.equal(200);
  });

  it('accepts a DELETE with content-type: application/json and no body, as the documented curl sends it', async () => {
    expect((await agent.call('PUT', '/v1/security-groups/spare', { spec: {} })).status).to.equal(201);
    const response = await fetch(`${agent.endpoint}/v1/security-groups/spare`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
    });
    const body = (await response.json()) as { status: { state: string } };
    expect(response.status).to.equal(200);
    expect(body.status.state).to.equal('DELETING');
  });

  it('frees the run slot when a client goes away before sending its manifest', async () => {
    const upload = await startUpload(agent, '/v1/manifest?stack=gone', 1000);
    upload.socket.destroy();
    expect(await untilIdle(agent)).to.equal(200);
  });

  it('keeps proxying while it parses and validates a large manifest: a request sent after the manifest is answered before it', async () => {
    // 10 000 resources, the last one naming a backend service that does not exist: all of it is parsed and checked, then refused.
    const manifest = manyLoadBalancers(2000, { listenerPort: probePort, backendPort });
    (manifest.resources[manifest.resources.length - 1] as { spec: { backendService: string } }).spec.backendService =
      'missing';
    const order: string[] = [];
    const run = agent.call<ErrorBody>('PUT', '/v1/manifest?stack=large', manifest).then((response) => {
      order.push('manifest');
      return response;
    });
    // The body is on its way once the agent holds the run slot; then the listener is asked.
    expect(await untilBusy(agent)).to.equal(429);
    const probe = fetch(`http://127.0.0.1:${probePort}/`).then(async (response) => {
      order.push('listener');
      return response.text();
    });
    expect(await probe).to.equal('backend');
    const refused = await run;
    expect(refused.status).to.equal(400);
    expect(refused.body.error.message).to.match(
      /lb1999\/http: backendService: refers to BackendService "missing", which does not exist/,
    );
    expect(order).to.deep.equal(['listener', 'manifest']);
  });

  it('applies 2 000 resources in one run, every listener ACTIVE, while the listener it had keeps answering', async () => {
    const listenerPort = await freePort();
    const manifest = manyLoadBalancers(400, { listenerPort, backendPort });
    let answered = 0;
    let running = true;
    const probing = (async () => {
      while (running) {
        const text = await (await fetch(`http://127.0.0.1:${probePort}/`)).text();
        if (text === 'backend') answered += 1;
      }
    })();
    const run = await agent.call<{ plan: { summary: { create: number } } }>('PUT', '/v1/manifest?stack=many', manifest);
    const answeredDuringRun = answered;
    running = false;
    await probing;
    expect(run.status).to.equal(200);
    expect(run.body.plan.summary.create).to.equal(2000);
    expect(answeredDuringRun).to.be.greaterThan(0);
    const listeners = await agent.call<{ items: { id: string; status: { state: string } }[] }>('GET', '/v1/listeners');
    const many = listeners.body.items.filter((item) => item.id.startsWith('lb'));
    expect(many).to.have.length(400);
    expect(many.every((item) => item.status.state === 'ACTIVE')).to.equal(true);
    expect(await (await fetch(`http://127.1.1.143:${listenerPort}/`)).text()).to.equal('backend');
    expect(
      (await agent.call('PUT', '/v1/manifest?stack=many', { apiVersion: 'albkit/v1', resources: [] })).status,
    ).to.equal(200);
  });
});

/** Answers 429 once a manifest run holds the slot (a run of an empty stack is tried until it is refused). */
async function untilBusy(agent: TestAgent): Promise<number> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const response = await agent.call('PUT', '/v1/manifest?stack=busy-check', {
      apiVersion: 'albkit/v1',
      resources: [],
    });
    if (response.status === 429) return 429;
  }
  throw new Error(
    'the agent never answered 429 while the large manifest was received and checked: was its event loop blocked until the run ended?',
  );
}
