import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { Resource } from '../../../lib';
import { Controller } from '../../../runtime/api/controller';
import type { DataPlanePort } from '../../../runtime/api/data-plane-port';
import { ApiError } from '../../../runtime/api/errors';
import { Reconciler } from '../../../runtime/api/reconciler';
import { DataPlane } from '../../../runtime/dataplane/dataplane';
import { FileStore } from '../../../runtime/store/file-store';
import { emptyState, type AgentState } from '../../../runtime/store/state';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { shopManifest, specOf } from './fixture';

/** The real data plane, counting applies; while held, applies wait until released. */
class CountingDataPlane implements DataPlanePort {
  applies = 0;
  private gate: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;
  constructor(private readonly inner: DataPlane) {}
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }
  let(): void {
    this.release();
  }
  async apply(resources: readonly Resource[]) {
    this.applies += 1;
    await this.gate;
    return this.inner.apply(resources);
  }
  health() {
    return this.inner.health();
  }
  stop(deadlineMs: number) {
    return this.inner.stop(deadlineMs);
  }
}

/** A server holding a loopback port, so a listener on it cannot bind. */
async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('Controller under a burst of changes', () => {
  let dir: string;
  let plane: CountingDataPlane;
  let controller: Controller;
  let reconciler: Reconciler;
  let store: FileStore;
  let manifest: ReturnType<typeof shopManifest>;
  let blocker: Server | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-burst-'));
    manifest = shopManifest({ listenerPort: await freePort(), backendPort: await freePort() });
    const logger = pino({ level: 'silent' });
    plane = new CountingDataPlane(
      new DataPlane({ logger, registry: new Registry(), cookieSecret: Buffer.alloc(32, 7), drainMs: 0 }),
    );
    const state = emptyState();
    store = new FileStore(dir);
    reconciler = new Reconciler(state, plane, store, logger);
    controller = new Controller(state, store, reconciler, plane);
    for (const resource of manifest.resources.slice(0, 4) as {
      id: string;
      kind: 'SecurityGroup' | 'LoadBalancer' | 'ServerGroup' | 'BackendService';
      spec: unknown;
    }[]) {
      await controller.put(resource.kind, resource.id, { spec: resource.spec });
    }
  });
  afterEach(async () => {
    plane.let();
    await reconciler.close();
    await plane.stop(0);
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
    blocker = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('applies 20 listener PUTs in a few data-plane applies and still gives each listener its own bind outcome', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    blocker = await occupy(ports[7] as number);
    const listener = specOf(manifest, 'shop/http');
    const appliesBefore = plane.applies;
    const writesBefore = store.writes;
    const answers = await Promise.all(
      ports.map((port, i) => controller.put('Listener', `shop/l${i}`, { spec: { ...listener, port } })),
    );
    const states = answers.map(({ resource }) => resource.status.state);
    expect(states.filter((state) => state === 'ACTIVE')).to.have.length(19);
    expect(states[7]).to.equal('FAILED');
    expect(answers[7]?.resource.status.reason).to.match(/EADDRINUSE|in use/);
    expect(plane.applies - appliesBefore)
      .to.be.at.least(1)
      .and.below(20);
    expect(store.writes - writesBefore).to.be.below(20);
    const onDisk = JSON.parse(readFileSync(store.file, 'utf8')) as AgentState;
    expect(onDisk.resources.find((r) => r.id === 'shop/l7')?.state).to.equal('FAILED');
    expect(onDisk.resources.filter((r) => r.kind === 'Listener' && r.state === 'ACTIVE')).to.have.length(19);
  });

  it('answers a read with ?wait= once a DELETING resource is gone, or with DELETING when the wait ends first', async () => {
    plane.hold();
    expect((await controller.delete('BackendService', 'shop/backend')).status.state).to.equal('DELETING');
    expect((await controller.watch('BackendService', 'shop/backend', 20)).status.state).to.equal('DELETING');
    const watching = controller.watch('BackendService', 'shop/backend', 10_000).then(
      () => 'still there',
      (error: unknown) => (error instanceof ApiError ? error.code : 'other error'),
    );
    plane.let();
    expect(await watching).to.equal('NOT_FOUND');
  });
});

describe('Control API durability under concurrent PUTs', () => {
  let agent: TestAgent;
  before(async () => {
    agent = await startAgent();
  });
  after(async () => {
    await agent.stop();
  });

  it('has each of 60 concurrent PUTs in state.json by the time its 2xx arrives', async () => {
    const file = join(agent.stateDir, 'state.json');
    const missing: string[] = [];
    const statuses = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const id = `burst/sg-${i}`;
        const response = await agent.call('PUT', `/v1/security-groups/${encodeURIComponent(id)}`, { spec: {} });
        const stored = (JSON.parse(readFileSync(file, 'utf8')) as AgentState).resources.find((r) => r.id === id);
        if (!stored) missing.push(id);
        return response.status;
      }),
    );
    expect(statuses).to.deep.equal(Array.from({ length: 60 }, () => 201));
    expect(missing).to.deep.equal([]);
    const listed = await agent.call<{ items: { status: { state: string } }[] }>('GET', '/v1/security-groups');
    expect(listed.body.items.filter((item) => item.status.state === 'ACTIVE')).to.have.length(60);
  });

  it('answers GET ?wait= with 404 once a deleted resource is gone, and refuses a bad wait with 400', async () => {
    await agent.call('PUT', '/v1/security-groups/gone-soon', { spec: {} });
    expect((await agent.call('DELETE', '/v1/security-groups/gone-soon')).status).to.equal(200);
    expect((await agent.call('GET', '/v1/security-groups/gone-soon?wait=10000')).status).to.equal(404);
    const bad = await agent.call<{ error: { code: string; issues: { field: string }[] } }>(
      'GET',
      '/v1/security-groups/x?wait=soon',
    );
    expect(bad.status).to.equal(400);
    expect(bad.body.error.issues[0]?.field).to.equal('wait');
  });
});
