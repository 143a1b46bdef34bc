/**
 * What the provider asks of the agent: put as Terraform's and wait through long polls while CREATING, delete
 * and wait until gone; against a real agent (a listener whose port is taken ends FAILED, with the reason) and
 * against a scripted control API that shows the requests made: one long poll, never a polling loop.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { expect } from 'chai';
import { ControlApiError, ControlClient, LONG_POLL_MS } from '../../../runtime/client/control-client';
import { agentResources, deleteResource, describeFailure, putResource } from '../../../runtime/terraform/agent';
import { startAgent, type TestAgent } from '../../helpers/agent';

async function listen(server: Server | NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A representation as the agent answers it, in the given state. */
const answer = (state: string, reason?: string) => ({
  id: 'web/http',
  kind: 'Listener',
  dependsOn: [],
  spec: {},
  status: { state, ...(reason === undefined ? {} : { reason }) },
  generation: 1,
  etag: '"1:terraform"',
});

describe('Terraform provider: calls to the agent', function () {
  this.timeout(20_000);

  describe('against a real agent', () => {
    let agent: TestAgent;
    let client: ControlClient;
    let taken: NetServer;
    let backend: Server;
    before(async () => {
      taken = createNetServer();
      backend = createHttpServer((_request, response) => response.end('ok'));
      agent = await startAgent();
      client = new ControlClient(agent.endpoint, agent.token);
    });
    after(async () => {
      await agent?.stop();
      await new Promise((resolve) => taken?.close(resolve));
      await new Promise((resolve) => backend?.close(resolve));
    });

    it('puts each resource as owned by terraform and returns it ACTIVE; a listener on a taken port comes back FAILED with the reason', async () => {
      const takenPort = await listen(taken);
      const backendPort = await listen(backend);
      await putResource(client, 'SecurityGroup', 'sg', {});
      const lb = await putResource(client, 'LoadBalancer', 'lb', {
        name: 'lb',
        zones: ['local-a'],
        vpc: { cidr: '127.0.0.0/8' },
        subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
        securityGroups: ['sg'],
      });
      expect(lb).to.deep.include({ owner: 'terraform', dependsOn: ['sg'] });
      expect(lb.status.state).to.equal('ACTIVE');
      await putResource(client, 'ServerGroup', 'lb/servers', {
        loadBalancer: 'lb',
        servers: [{ name: 'a', address: '127.0.0.1', port: backendPort }],
      });
      await putResource(client, 'BackendService', 'lb/backend', {
        loadBalancer: 'lb',
        protocol: 'HTTP',
        port: backendPort,
        serverGroups: ['lb/servers'],
      });
      const listener = await putResource(client, 'Listener', 'lb/http', {
        loadBalancer: 'lb',
        protocol: 'HTTP',
        port: takenPort,
        backendService: 'lb/backend',
      });
      expect(listener.status.state).to.equal('FAILED');
      expect(listener.status.reason).to.contain(String(takenPort));
      expect((await agentResources(client)).map((r) => r.id).sort()).to.deep.equal([
        'lb',
        'lb/backend',
        'lb/http',
        'lb/servers',
        'sg',
      ]);
    });

    it('deletes and returns once the agent has removed the resource; an absent one is fine', async () => {
      await deleteResource(client, 'Listener', 'lb/http');
      expect((await agent.call('GET', `/v1/listeners/${encodeURIComponent('lb/http')}`)).status).to.equal(404);
      await deleteResource(client, 'Listener', 'lb/http');
    });

    it("passes the agent's refusal on with its status, code and message", async () => {
      const error = await deleteResource(client, 'LoadBalancer', 'lb').then(
        () => expect.fail('deleted a load balancer with dependents'),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ControlApiError);
      expect(describeFailure(error)).to.match(/^409 CONFLICT .*lb\/servers/);
    });
  });

  describe('against a scripted control API', () => {
    let server: Server;
    let client: ControlClient;
    const seen: string[] = [];
    let handle: (request: IncomingMessage, body: string, response: ServerResponse) => void;
    const reply = (response: ServerResponse, status: number, body: unknown, afterMs = 0): void => {
      setTimeout(
        () => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
        afterMs,
      );
    };
    const waitOf = (request: IncomingMessage): number =>
      Number(new URL(request.url ?? '', 'http://x').searchParams.get('wait') ?? 0);
    before(async () => {
      server = createHttpServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          seen.push(`${request.method} ${request.url}${body === '' ? '' : ` ${body}`}`);
          handle(request, body, response);
        });
      });
      client = new ControlClient(`http://127.0.0.1:${await listen(server)}`, 't');
    });
    beforeEach(() => {
      seen.length = 0;
    });
    after(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('puts with owner terraform, then waits in one long poll while CREATING and returns the FAILED outcome', async () => {
      handle = (request, _body, response) =>
        request.method === 'PUT'
          ? reply(response, 201, answer('CREATING'))
          : reply(response, 200, answer('FAILED', 'listen EADDRINUSE 127.0.0.1:80'), 300);
      const result = await putResource(client, 'Listener', 'web/http', { port: 80 });
      expect(result.status).to.deep.equal({ state: 'FAILED', reason: 'listen EADDRINUSE 127.0.0.1:80' });
      expect(seen).to.have.length(2);
      expect(seen[0]).to.equal('PUT /v1/listeners/web%2Fhttp {"spec":{"port":80},"owner":"terraform"}');
      expect(seen[1]).to.match(/^GET \/v1\/listeners\/web%2Fhttp\?wait=(\d+)$/);
      expect(Number(seen[1]!.split('=')[1])).to.be.within(LONG_POLL_MS - 1000, LONG_POLL_MS);
    });

    it('deletes, then waits in one long poll until the resource is gone', async () => {
      handle = (request, _body, response) =>
        request.method === 'DELETE'
          ? reply(response, 200, answer('DELETING'))
          : reply(response, 404, { error: { code: 'NOT_FOUND', message: 'gone' } }, 300);
      await deleteResource(client, 'Listener', 'web/http');
      expect(seen.map((line) => line.replace(/wait=\d+/, 'wait=N'))).to.deep.equal([
        'DELETE /v1/listeners/web%2Fhttp',
        'GET /v1/listeners/web%2Fhttp?wait=N',
      ]);
    });

    it('gives up at its time limit, naming the resource and its state', async () => {
      handle = (request, _body, response) =>
        request.method === 'PUT'
          ? reply(response, 201, answer('CREATING'))
          : reply(response, 200, answer('CREATING'), waitOf(request));
      const error = await putResource(client, 'Listener', 'web/http', {}, undefined, 300).then(
        () => expect.fail('resolved'),
        (e: unknown) => e as Error,
      );
      expect(error.message).to.equal('Listener web/http: still CREATING after 300 ms');
      expect(seen.length, seen.join('\n')).to.be.within(2, 3);
    });

    it('stops waiting for a delete when the resource was created again meanwhile', async () => {
      handle = (request, _body, response) =>
        request.method === 'DELETE' ? reply(response, 200, answer('DELETING')) : reply(response, 200, answer('ACTIVE'));
      const error = await deleteResource(client, 'Listener', 'web/http').then(
        () => expect.fail('resolved'),
        (e: unknown) => e as Error,
      );
      expect(error.message).to.equal('Listener web/http: created again (ACTIVE) while being deleted');
      expect(seen).to.have.length(2);
    });
  });
});
