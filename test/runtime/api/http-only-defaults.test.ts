import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { startAgent, type TestAgent } from '../../helpers/agent';

type Spec = { protocol: string; sessionPersistence?: unknown; healthCheck: Record<string, unknown> };

/** A load balancer with a TCP and an HTTP backend service, neither giving an HTTP-only field. */
const manifest = {
  apiVersion: 'albkit/v1',
  resources: [
    {
      id: 'lb',
      kind: 'LoadBalancer',
      spec: {
        name: 'lb',
        zones: ['local-a'],
        vpc: { cidr: '127.0.0.0/8' },
        subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
      },
    },
    {
      id: 'lb/servers',
      kind: 'ServerGroup',
      spec: { loadBalancer: 'lb', servers: [{ name: 'a', address: '127.0.0.1', port: 9 }] },
    },
    {
      id: 'lb/tcp',
      kind: 'BackendService',
      spec: { loadBalancer: 'lb', protocol: 'TCP', serverGroups: ['lb/servers'] },
    },
    {
      id: 'lb/web',
      kind: 'BackendService',
      spec: { loadBalancer: 'lb', protocol: 'HTTP', serverGroups: ['lb/servers'] },
    },
  ],
};

describe('HTTP-only defaults on the agent', () => {
  let agent: TestAgent | undefined;
  const specOf = async (id: string): Promise<Spec> => {
    const response = await agent!.call<{ spec: Spec }>('GET', `/v1/backend-services/${encodeURIComponent(id)}`);
    expect(response.status).to.equal(200);
    return response.body.spec;
  };

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
  });

  it('answers a TCP backend service with no session persistence, check path or status codes, and an HTTP one with them', async () => {
    agent = await startAgent({ manifest });
    const tcp = await specOf('lb/tcp');
    expect(tcp).to.not.have.property('sessionPersistence');
    expect(tcp.healthCheck).to.include({ protocol: 'TCP' });
    expect(tcp.healthCheck).to.not.have.any.keys('path', 'statusCodes');
    const web = await specOf('lb/web');
    expect(web.sessionPersistence).to.deep.equal({ enabled: false, cookieName: 'ALBKIT_SERVER', ttlSeconds: 0 });
    expect(web.healthCheck).to.include({ protocol: 'HTTP', path: '/' });
    expect(web.healthCheck.statusCodes).to.deep.equal(['2xx', '3xx']);
  });

  it('loads a state written when TCP backend services still had the HTTP defaults, and keeps serving its API', async () => {
    const first = await startAgent({ manifest });
    const { stateDir } = first;
    await first.kill9(); // keeps the state directory
    try {
      const file = join(stateDir, 'state.json');
      const state = JSON.parse(await readFile(file, 'utf8')) as { resources: { id: string; spec: Spec }[] };
      const tcp = state.resources.find((resource) => resource.id === 'lb/tcp')!;
      tcp.spec.sessionPersistence = { enabled: false, cookieName: 'ALBKIT_SERVER', ttlSeconds: 0 };
      tcp.spec.healthCheck = { ...tcp.spec.healthCheck, path: '/', statusCodes: ['2xx', '3xx'] };
      await writeFile(file, JSON.stringify(state));
      agent = await startAgent({ stateDir });
      const loaded = await specOf('lb/tcp');
      expect(loaded.healthCheck).to.include({ protocol: 'TCP', path: '/' });
      expect(loaded.sessionPersistence).to.deep.equal({ enabled: false, cookieName: 'ALBKIT_SERVER', ttlSeconds: 0 });
      await agent.stop();
      agent = undefined;
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
