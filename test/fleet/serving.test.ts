/**
 * Agents of one fleet, each in its own network namespace (a machine of its own), serving the same listener:
 * a deploy through one node is served by the others, and kill -9 of one node leaves the others serving.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { waitFor } from '../helpers/wait';
import { shopManifest, specOf } from '../runtime/api/fixture';
import { startEtcd, type TestEtcd } from '../runtime/store/etcd-server';
import { BRIDGE_ADDRESS, makeNamespaces, removeNamespaces, type NodeNamespace } from './netns';

const NODES = 3;
/** The load balancer's address: on every node's own loopback, as on every machine of a fleet. */
const VIP = '10.77.0.100';

/** One GET from inside `netns`: the status code, 0 when there was no answer. Asynchronous: the backend runs in this process. */
async function getFrom(netns: string, url: string): Promise<number> {
  return (await loadFrom(netns, url, 1))[0] ?? 0;
}

/** `count` GETs one after another from inside `netns` (one curl, keep-alive): the status codes. */
function loadFrom(netns: string, url: string, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        netns,
        'curl',
        '-s',
        '-m',
        '5',
        '-w',
        '%{http_code}\\n',
        ...Array.from({ length: count }, () => ['-o', '/dev/null', url]).flat(),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => resolve(output.split('\n').filter(Boolean).map(Number)));
  });
}

describe('Agents of one fleet in network namespaces, serving the same listener', function () {
  this.timeout(180_000);
  let namespaces: NodeNamespace[] = [];
  let etcd: TestEtcd | undefined;
  let backend: Server | undefined;
  let tokenDir: string | undefined;
  let backendPort = 0;
  const agents: TestAgent[] = [];

  before(async function () {
    const made = makeNamespaces(NODES);
    if (typeof made === 'string') {
      console.log(`      SKIPPED: agents in network namespaces (${made})`);
      this.skip();
    }
    namespaces = made;
    etcd = await startEtcd(BRIDGE_ADDRESS);
    backendPort = await freePort(BRIDGE_ADDRESS);
    backend = createServer((_request, response) => response.end('served'));
    await new Promise<void>((resolve) => backend?.listen(backendPort, BRIDGE_ADDRESS, resolve));
    tokenDir = await mkdtemp(join(tmpdir(), 'albkit-fleet-token-'));
    const tokenFile = join(tokenDir, 'token');
    await writeFile(tokenFile, 'fleet-netns-test-token-0123456789abcdef\n', { mode: 0o600 });
    for (const [index, namespace] of namespaces.entries()) {
      spawnSync('ip', ['-n', namespace.name, 'addr', 'add', `${VIP}/32`, 'dev', 'lo']);
      const args = [
        '--store',
        etcd.storeUrl,
        '--prefix',
        '/albkit/netns',
        '--node-id',
        `node-${index}`,
        '--lease-ttl',
        '2',
        '--control',
        `${namespace.address}:0`,
        '--token-file',
        tokenFile,
      ];
      agents.push(await startAgent({ netns: namespace.name, args }));
    }
  });

  after(async () => {
    for (const agent of agents) await agent.stop();
    await etcd?.stop();
    await new Promise((resolve) => (backend ? backend.close(resolve) : resolve(undefined)));
    if (tokenDir !== undefined) await rm(tokenDir, { recursive: true, force: true });
    removeNamespaces(NODES);
  });

  it('serves a deploy made through node 0 on nodes 1 and 2, and after kill -9 of node 0 under load, the others lose no request', async () => {
    // Each namespace has its own ports: a fixed one cannot collide with another test's.
    const listenerPort = 18080;
    const manifest = shopManifest({ listenerPort, backendPort, prefix: 'netns' });
    Object.assign(specOf(manifest, 'netns'), {
      vpc: { cidr: '10.77.0.0/16' },
      subnet: { cidr: '10.77.0.0/24', address: VIP },
    });
    Object.assign(specOf(manifest, 'netns/servers'), {
      servers: [{ name: 'root', address: BRIDGE_ADDRESS, port: backendPort }],
    });
    const [first, second, third] = agents as [TestAgent, TestAgent, TestAgent];
    const deployed = await first.call('PUT', '/v1/manifest', manifest);
    expect(deployed.status, JSON.stringify(deployed.body)).to.equal(200);
    const url = `http://${VIP}:${listenerPort}/`;
    for (const namespace of namespaces) {
      await waitFor(
        async () => (await getFrom(namespace.name, url)) === 200,
        60_000,
        `${namespace.name} to serve the listener deployed through node 0`,
      ).catch(async (error: Error) => {
        const status = await first.call('GET', '/v1/backend-services');
        throw new Error(
          `${error.message}: last answer ${await getFrom(namespace.name, url)}, backend services ${JSON.stringify(
            status.body,
          )}\n${first.output().slice(-2000)}`,
        );
      });
    }
    expect(second.output()).to.not.contain('FATAL');
    expect(third.output()).to.not.contain('FATAL');

    const [, b, c] = namespaces as [NodeNamespace, NodeNamespace, NodeNamespace];
    const loads = Promise.all([loadFrom(b.name, url, 300), loadFrom(c.name, url, 300)]);
    await first.kill9();
    const [onB, onC] = await loads;
    expect(onB, 'node 1 answers').to.have.length(300);
    expect(onC, 'node 2 answers').to.have.length(300);
    expect(
      onB.filter((code) => code !== 200),
      'failed requests on node 1',
    ).to.deep.equal([]);
    expect(
      onC.filter((code) => code !== 200),
      'failed requests on node 2',
    ).to.deep.equal([]);
    expect(await getFrom((namespaces[0] as NodeNamespace).name, url), 'the dead node serves nothing').to.equal(0);
    // A deploy through a survivor after the kill is served by the other survivor.
    expect((await second.call('PUT', '/v1/security-groups/netns-after', { spec: {} })).status).to.equal(201);
    await waitFor(
      async () => (await third.call('GET', '/v1/security-groups/netns-after')).status === 200,
      30_000,
      'node 2 to see the write made through node 1',
    );
  });
});
