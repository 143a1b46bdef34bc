import { mkdtemp, rm } from 'node:fs/promises';
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
import { emptyState } from '../../../runtime/store/state';
import { freePort } from '../../helpers/agent';
import { shopManifest, specOf } from './fixture';

/** The real data plane, with a gate the test opens: applies wait until then, so CREATING and DELETING last. */
class GatedDataPlane implements DataPlanePort {
  private open: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;
  constructor(private readonly inner: DataPlane) {}
  close(): void {
    this.open = new Promise((resolve) => (this.release = resolve));
  }
  openGate(): void {
    this.release();
  }
  async apply(resources: readonly Resource[]) {
    await this.open;
    return this.inner.apply(resources);
  }
  health() {
    return this.inner.health();
  }
  stop(deadlineMs: number) {
    return this.inner.stop(deadlineMs);
  }
}

async function refusal(work: Promise<unknown>): Promise<ApiError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(ApiError);
  return error as ApiError;
}

describe('Controller while changes are in flight', () => {
  let dir: string;
  let plane: GatedDataPlane;
  let controller: Controller;
  let reconciler: Reconciler;
  let manifest: ReturnType<typeof shopManifest>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-controller-'));
    manifest = shopManifest({ listenerPort: await freePort(), backendPort: await freePort() });
    const logger = pino({ level: 'silent' });
    plane = new GatedDataPlane(
      new DataPlane({ logger, registry: new Registry(), cookieSecret: Buffer.alloc(32, 7), drainMs: 100 }),
    );
    const state = emptyState();
    const store = new FileStore(dir);
    reconciler = new Reconciler(state, plane, store, logger);
    controller = new Controller(state, store, reconciler, plane);
  });
  afterEach(async () => {
    plane.openGate();
    await reconciler.close();
    await plane.stop(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a child of a CREATING resource with 409 naming both, and accepts it once ACTIVE', async () => {
    await controller.put('SecurityGroup', 'shop-sg', { spec: {} });
    plane.close();
    const creating = controller.put('LoadBalancer', 'shop', { spec: specOf(manifest, 'shop') });
    await new Promise((resolve) => setImmediate(resolve));
    expect(controller.get('LoadBalancer', 'shop').status.state).to.equal('CREATING');
    const error = await refusal(
      controller.put('ServerGroup', 'shop/servers', { spec: specOf(manifest, 'shop/servers') }),
    );
    expect(error.status).to.equal(409);
    expect(error.message).to.equal(
      'ServerGroup "shop/servers": loadBalancer refers to LoadBalancer "shop", which is CREATING, not ACTIVE; wait until "shop" is ACTIVE',
    );
    plane.openGate();
    expect((await creating).resource.status.state).to.equal('ACTIVE');
    expect(
      (await controller.put('ServerGroup', 'shop/servers', { spec: specOf(manifest, 'shop/servers') })).created,
    ).to.equal(true);
  });

  it('keeps a DELETING resource readable, refuses to recreate it, and says to wait before deleting its dependency', async () => {
    for (const resource of manifest.resources.slice(0, 3) as {
      id: string;
      kind: 'SecurityGroup' | 'LoadBalancer' | 'ServerGroup';
      spec: unknown;
    }[]) {
      await controller.put(resource.kind, resource.id, { spec: resource.spec });
    }
    plane.close();
    expect((await controller.delete('ServerGroup', 'shop/servers')).status.state).to.equal('DELETING');
    expect(controller.get('ServerGroup', 'shop/servers').status.state).to.equal('DELETING');
    const again = await refusal(
      controller.put('ServerGroup', 'shop/servers', { spec: specOf(manifest, 'shop/servers') }),
    );
    expect(again.message).to.equal(
      'ServerGroup "shop/servers" is being deleted; wait until it is gone, then create it again',
    );
    const parent = await refusal(controller.delete('LoadBalancer', 'shop'));
    expect(parent.message).to.equal(
      'LoadBalancer "shop" cannot be deleted: ServerGroup "shop/servers" depends on it; wait until shop/servers is gone',
    );
    plane.openGate();
    await controller.gone('shop/servers', 5000);
    expect((await controller.delete('LoadBalancer', 'shop')).status.state).to.equal('DELETING');
    expect(controller.operations().map((o) => `${o.op} ${o.id}`)).to.deep.equal([
      'create shop-sg',
      'create shop',
      'create shop/servers',
      'delete shop/servers',
      'delete shop',
    ]);
  });
});
