/**
 * The one control API client against a real agent (refusals with code and issues, 404 as absent, long polls),
 * a closed port, a peer that never answers, and a peer that answers like a proxy in front of the agent.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { expect } from 'chai';
import { ControlApiError, ControlClient } from '../../../runtime/client/control-client';
import { startAgent, type TestAgent } from '../../helpers/agent';

/** Listens on an ephemeral loopback port; resolves with it. */
async function listen(server: Server | NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<ControlApiError> {
  const error = await promise.then(
    () => expect.fail('resolved'),
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(ControlApiError);
  return error as ControlApiError;
}

describe('ControlClient', function () {
  this.timeout(20_000);
  let agent: TestAgent;
  before(async () => {
    agent = await startAgent();
  });
  after(async () => {
    await agent?.stop();
  });

  it('puts, reads and deletes a resource; an absent one reads as undefined and deletes as false', async () => {
    const client = new ControlClient(`${agent.endpoint}//`, agent.token);
    expect(client.endpoint).to.equal(agent.endpoint);
    const created = await client.put({ id: 'cc-sg', kind: 'SecurityGroup', spec: {} }, 'terraform');
    expect(created).to.deep.include({ id: 'cc-sg', kind: 'SecurityGroup', owner: 'terraform', generation: 1 });
    expect(created.status.state).to.equal('ACTIVE');
    expect((await client.get('SecurityGroup', 'cc-sg', 1000))?.etag).to.equal(created.etag);
    expect(await client.delete('SecurityGroup', 'cc-sg')).to.equal(true);
    expect(await client.get('SecurityGroup', 'cc-sg', 5000)).to.equal(undefined);
    expect(await client.delete('SecurityGroup', 'cc-sg')).to.equal(false);
  });

  it("throws the agent's refusal with its status, code, message and issues", async () => {
    const client = new ControlClient(agent.endpoint, agent.token);
    const invalid = await rejection(
      client.put({
        id: 'cc-bad',
        kind: 'SecurityGroup',
        spec: { ingress: [{ protocol: 'TCP', fromPort: 0, cidr: 'nowhere' }] },
      }),
    );
    expect(invalid.status).to.equal(400);
    expect(invalid.code).to.equal('VALIDATION');
    expect(invalid.issues.map((issue) => `${issue.path}: ${issue.field}`)).to.include.members([
      'cc-bad: ingress[0].fromPort',
      'cc-bad: ingress[0].cidr',
    ]);
    const outOfOrder = await rejection(
      client.put({
        id: 'cc-sg-child',
        kind: 'LoadBalancer',
        spec: {
          name: 'x',
          zones: ['a'],
          vpc: { cidr: '127.0.0.0/8' },
          subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
          securityGroups: ['cc-missing'],
        },
      }),
    );
    expect(outOfOrder.status).to.equal(409);
    expect(outOfOrder.code).to.equal('CONFLICT');
    expect(outOfOrder.message).to.contain('cc-missing');
    const refused = await rejection(new ControlClient(agent.endpoint, 'wrong').get('SecurityGroup', 'x'));
    expect(refused.status).to.equal(401);
  });

  it('says the agent cannot be reached, naming its endpoint and the cause', async () => {
    const closed = createNetServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const error = await rejection(new ControlClient(`http://127.0.0.1:${port}`, 't').get('Eip', 'ip'));
    expect(error).to.include({ status: 0, code: 'UNREACHABLE' });
    expect(error.message).to.equal(`cannot reach the albkit agent at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  describe('against peers that are not the agent', () => {
    const sockets = new Set<Socket>();
    let silent: NetServer;
    let proxy: Server;
    let silentPort: number;
    let proxyPort: number;
    const seen: string[] = [];
    before(async () => {
      silent = createNetServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      silentPort = await listen(silent);
      proxy = createHttpServer((request: IncomingMessage, response: ServerResponse) => {
        seen.push(`${request.method} ${request.url}`);
        if (request.url?.includes('wait=')) {
          setTimeout(
            () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'ip' })),
            400,
          );
          return;
        }
        response.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
      });
      proxyPort = await listen(proxy);
    });
    after(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent?.close(resolve));
      proxy?.closeAllConnections();
      await new Promise((resolve) => proxy?.close(resolve));
    });

    it('gives up on a request with no answer after its time limit, naming the agent and the request', async () => {
      const error = await rejection(
        new ControlClient(`http://127.0.0.1:${silentPort}`, 't', 200).delete('Listener', 'web/http'),
      );
      expect(error).to.include({ status: 0, code: 'TIMEOUT' });
      expect(error.message).to.equal(
        `the albkit agent at http://127.0.0.1:${silentPort} did not answer DELETE /v1/listeners/web%2Fhttp within 200 ms`,
      );
    });

    it("gives a long poll its wait on top of the time limit, and names a non-JSON error answer's request and status", async () => {
      const client = new ControlClient(`http://127.0.0.1:${proxyPort}`, 't', 200);
      expect(await client.get('Eip', 'ip', 1000)).to.deep.equal({ id: 'ip' });
      const error = await rejection(client.get('Eip', 'ip'));
      expect(error).to.include({ status: 502, code: 'HTTP_502', message: 'GET /v1/eips/ip: HTTP 502' });
      expect(seen).to.deep.equal(['GET /v1/eips/ip?wait=1000', 'GET /v1/eips/ip']);
    });
  });
});
