/**
 * FAILED listeners are retried by the agent itself: a listener whose port is in use becomes ACTIVE once the
 * port is free, with no request from a client; the retries back off, and end when the listener is deleted.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { Resource } from '../../../lib';
import { Controller } from '../../../runtime/api/controller';
import type { DataPlanePort } from '../../../runtime/api/data-plane-port';
import { Reconciler } from '../../../runtime/api/reconciler';
import { DataPlane } from '../../../runtime/dataplane/dataplane';
import { FileStore } from '../../../runtime/store/file-store';
import { emptyState, type AgentState } from '../../../runtime/store/state';
import { startHttpBackend, type DemoBackend } from '../../../examples/quickstart/demo-backend';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { answer } from '../deploy/answer';
import { runCli, writeManifest } from '../deploy/quickstart';
import { closeServer, connectOutcome, holdPort } from '../deploy/sockets';
import { shopManifest, specOf } from './fixture';

type Rep = { status: { state: string; reason?: string } };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it is true or `timeoutMs` passed; resolves with its last answer. */
// The retry backoff doubles from 1 s to 30 s: on a slow machine the deploy's own wait can let it reach 16 s
// before the port is freed, so the bound covers the longest backoff, not the first retries.
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

describe('Agent: FAILED listeners are retried', function () {
  this.timeout(90_000);
  let dir: string;
  let agent: TestAgent;
  let backend: DemoBackend;
  let holder: Server | undefined;

  const listener = async (): Promise<Rep['status'] | undefined> => {
    const response = await agent.call<Rep>('GET', `/v1/listeners/${encodeURIComponent('shop/http')}`);
    return response.status === 404 ? undefined : response.body.status;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-retry-'));
    backend = await startHttpBackend(0, '127.0.0.1', 'backend-a');
  });
  beforeEach(async () => {
    agent = await startAgent();
  });
  afterEach(async () => {
    if (holder) await closeServer(holder);
    holder = undefined;
    await agent?.stop();
  });
  after(async () => {
    await backend?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('binds a listener whose port was in use once the port is free, with no further request', async () => {
    const port = await freePort();
    holder = await holdPort('127.0.0.1', port);
    const file = await writeManifest(dir, 'shop.json', shopManifest({ listenerPort: port, backendPort: backend.port }));
    const deploy = await runCli([
      'deploy',
      file,
      '--endpoint',
      agent.endpoint,
      '--token-file',
      join(agent.stateDir, 'token'),
    ]);
    expect(deploy.code).to.equal(1);
    expect(deploy.stderr).to.contain(`Listener shop/http: FAILED: cannot bind 127.0.0.1:${port}: the port is in use`);
    expect(await listener()).to.deep.equal({
      state: 'FAILED',
      reason: `cannot bind 127.0.0.1:${port}: the port is in use`,
    });

    await closeServer(holder);
    holder = undefined;
    expect(await eventually(async () => (await listener())?.state === 'ACTIVE'), 'ACTIVE within 45 s').to.equal(true);
    expect(await listener()).to.deep.equal({ state: 'ACTIVE' });
    expect(await answer(port)).to.equal('backend-a\n');
    const onDisk = JSON.parse(await readFile(join(agent.stateDir, 'state.json'), 'utf8')) as AgentState;
    expect(onDisk.resources.find((r) => r.id === 'shop/http'))
      .to.deep.include({ state: 'ACTIVE' })
      .and.not.have.property('reason');
    const again = await runCli([
      'deploy',
      file,
      '--endpoint',
      agent.endpoint,
      '--token-file',
      join(agent.stateDir, 'token'),
    ]);
    expect(again.stdout).to.contain('no changes');
  });

  it('stops retrying a FAILED listener once it is deleted', async () => {
    const port = await freePort();
    holder = await holdPort('127.0.0.1', port);
    const manifest = shopManifest({ listenerPort: port, backendPort: backend.port });
    for (const resource of manifest.resources as { id: string; kind: string; spec: unknown }[]) {
      const collection = {
        SecurityGroup: 'security-groups',
        LoadBalancer: 'load-balancers',
        ServerGroup: 'server-groups',
        BackendService: 'backend-services',
        Listener: 'listeners',
      }[resource.kind];
      await agent.call('PUT', `/v1/${collection}/${encodeURIComponent(resource.id)}`, { spec: resource.spec });
    }
    expect((await listener())?.state).to.equal('FAILED');
    expect((await agent.call('DELETE', `/v1/listeners/${encodeURIComponent('shop/http')}`)).status).to.equal(200);
    expect(await eventually(async () => (await listener()) === undefined)).to.equal(true);
    await closeServer(holder);
    holder = undefined;
    await sleep(1500); // past the first retry (1 s)
    expect(await connectOutcome('127.0.0.1', port)).to.equal('ECONNREFUSED');
  });
});

/** The real data plane, recording when each apply starts. */
class TimedDataPlane implements DataPlanePort {
  readonly starts: number[] = [];
  constructor(private readonly inner: DataPlane) {}
  apply(resources: readonly Resource[]) {
    this.starts.push(Date.now());
    return this.inner.apply(resources);
  }
  health() {
    return this.inner.health();
  }
  stop(deadlineMs: number) {
    return this.inner.stop(deadlineMs);
  }
}

describe('Reconciler retry backoff', () => {
  let dir: string;
  let plane: TimedDataPlane;
  let reconciler: Reconciler;
  let controller: Controller;
  let holder: Server | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-backoff-'));
    const logger = pino({ level: 'silent' });
    plane = new TimedDataPlane(
      new DataPlane({ logger, registry: new Registry(), cookieSecret: Buffer.alloc(32, 7), drainMs: 0 }),
    );
    const state = emptyState();
    const store = new FileStore(dir);
    reconciler = new Reconciler(state, plane, store, logger, { firstMs: 20, maxMs: 80 });
    controller = new Controller(state, store, reconciler, plane);
  });
  afterEach(async () => {
    await reconciler.close();
    await plane.stop(0);
    if (holder) await closeServer(holder);
    holder = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('waits twice as long after each failed retry, up to the maximum, and stops once the listener is bound', async () => {
    const port = await freePort();
    holder = await holdPort('127.0.0.1', port);
    const manifest = shopManifest({ listenerPort: port, backendPort: await freePort() });
    for (const resource of manifest.resources as {
      id: string;
      kind: 'SecurityGroup' | 'LoadBalancer' | 'ServerGroup' | 'BackendService' | 'Listener';
    }[]) {
      await controller.put(resource.kind, resource.id, { spec: specOf(manifest, resource.id) });
    }
    expect(controller.get('Listener', 'shop/http').status.state).to.equal('FAILED');
    const failedAt = plane.starts.length;
    expect(await eventually(() => plane.starts.length >= failedAt + 5)).to.equal(true);
    const gaps = plane.starts
      .slice(failedAt - 1, failedAt + 5)
      .map((start, i, all) => (i === 0 ? 0 : start - (all[i - 1] as number)))
      .slice(1);
    // Timers never fire early (1 ms of rounding aside); how late they fire is not asserted.
    [20, 40, 80, 80, 80].forEach((wait, i) =>
      expect(gaps[i], `retry ${i + 1} waited ${gaps[i]} ms`).to.be.at.least(wait - 1),
    );
    expect(controller.get('Listener', 'shop/http').status).to.deep.equal({
      state: 'FAILED',
      reason: `cannot bind 127.0.0.1:${port}: the port is in use`,
    });

    await closeServer(holder);
    holder = undefined;
    expect(await eventually(() => controller.get('Listener', 'shop/http').status.state === 'ACTIVE')).to.equal(true);
    const applies = plane.starts.length;
    await sleep(300);
    expect(plane.starts.length, 'no retry once nothing is FAILED').to.equal(applies);
  });
});
