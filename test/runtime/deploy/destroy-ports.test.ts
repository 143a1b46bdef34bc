/**
 * `albkit destroy` (and a `PUT /v1/manifest` that drops listeners) returns only once every listener port
 * stopped accepting: right after it exits, a connect to each port on each address is refused, cycle after
 * cycle, while a connection opened before the destroy may still drain.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEchoBackend, startHttpBackend, type DemoBackend } from '../../../examples/quickstart/demo-backend';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { runCli, writeManifest } from './quickstart';
import { bodyAt, connectOutcome, publicShop } from './sockets';

const EIP = '127.0.0.24';
const ADDRESSES = ['127.0.0.1', EIP];

/** `publicShop` plus a TCP listener on `tcpPort` to the echo backend on `echoPort`. */
function shopWithTcp(httpPorts: number[], tcpPort: number, backendPort: number, echoPort: number): object {
  const shop = publicShop({ eip: EIP, ports: httpPorts, backendPort });
  return {
    ...shop,
    resources: [
      ...shop.resources,
      {
        id: 'shop/echo-servers',
        kind: 'ServerGroup',
        spec: { loadBalancer: 'shop', servers: [{ name: 'echo', address: '127.0.0.1', port: echoPort }] },
      },
      {
        id: 'shop/echo',
        kind: 'BackendService',
        spec: { loadBalancer: 'shop', protocol: 'TCP', port: echoPort, serverGroups: ['shop/echo-servers'] },
      },
      {
        id: 'shop/tcp',
        kind: 'Listener',
        spec: { loadBalancer: 'shop', protocol: 'TCP', port: tcpPort, backendService: 'shop/echo' },
      },
    ],
  };
}

/** Writes `text` on an open connection and resolves with what comes back. */
async function echo(socket: Socket, text: string): Promise<string> {
  socket.write(text);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  return chunk.toString();
}

describe('albkit destroy: listener ports closed when it returns', function () {
  this.timeout(60_000);
  let dir: string;
  let agent: TestAgent;
  let backends: DemoBackend[];
  let open: Socket | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-destroy-'));
    backends = [await startHttpBackend(0, '127.0.0.1', 'backend-a'), await startEchoBackend(0)];
    agent = await startAgent({ args: ['--drain-ms', '20000'] });
  });
  after(async () => {
    open?.destroy();
    await agent?.stop();
    await Promise.all((backends ?? []).map((backend) => backend.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses every port on every address right after destroy returns, over 3 deploy/destroy cycles', async () => {
    const [http, echoBackend] = backends as [DemoBackend, DemoBackend];
    const cli = (verb: string, file: string) =>
      runCli([verb, file, '--endpoint', agent.endpoint, '--token-file', join(agent.stateDir, 'token')]);
    for (let cycle = 1; cycle <= 3; cycle += 1) {
      const httpPorts = [await freePort(), await freePort()];
      const tcpPort = await freePort();
      const file = await writeManifest(
        dir,
        `shop-${cycle}.json`,
        shopWithTcp(httpPorts, tcpPort, http.port, echoBackend.port),
      );
      const deployed = await cli('deploy', file);
      expect(deployed.code, `cycle ${cycle}: ${deployed.stderr}`).to.equal(0);
      for (const address of ADDRESSES) {
        for (const port of httpPorts)
          expect(await bodyAt(address, port), `cycle ${cycle}: ${address}:${port}`).to.equal('backend-a\n');
      }
      open = connect({ host: EIP, port: tcpPort });
      await once(open, 'connect');
      expect(await echo(open, 'before\n')).to.equal('before\n');

      const destroyed = await cli('destroy', file);
      expect(destroyed.code, `cycle ${cycle}: ${destroyed.stderr}`).to.equal(0);
      for (const address of ADDRESSES) {
        for (const port of [...httpPorts, tcpPort]) {
          expect(await connectOutcome(address, port), `cycle ${cycle}: ${address}:${port} after destroy`).to.equal(
            'ECONNREFUSED',
          );
        }
      }
      expect(await echo(open, 'draining\n'), 'the connection opened before the destroy drains').to.equal('draining\n');
      open.destroy();
      open = undefined;
    }
    expect((await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest')).body.resources).to.deep.equal([]);
  });

  it('refuses every port right after PUT /v1/manifest answers for a document without the listeners', async () => {
    const [http, echoBackend] = backends as [DemoBackend, DemoBackend];
    const httpPorts = [await freePort(), await freePort()];
    const tcpPort = await freePort();
    const deployed = await agent.call(
      'PUT',
      '/v1/manifest?stack=ports',
      shopWithTcp(httpPorts, tcpPort, http.port, echoBackend.port),
    );
    expect(deployed.status, JSON.stringify(deployed.body)).to.equal(200);
    expect(await bodyAt(EIP, httpPorts[0] as number)).to.equal('backend-a\n');
    const emptied = await agent.call('PUT', '/v1/manifest?stack=ports', { apiVersion: 'albkit/v1', resources: [] });
    expect(emptied.status, JSON.stringify(emptied.body)).to.equal(200);
    for (const address of ADDRESSES) {
      for (const port of [...httpPorts, tcpPort])
        expect(await connectOutcome(address, port), `${address}:${port}`).to.equal('ECONNREFUSED');
    }
  });
});
