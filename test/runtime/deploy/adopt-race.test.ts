/**
 * Compare-and-swap on the control API: writes conditional on the version read (`If-Match` on the etag,
 * `If-None-Match: *`), so two adopters or deploys that planned on the same state never both win.
 */
import { expect } from 'chai';
import { validateManifest, type Manifest } from '../../../lib';
import { ControlClient } from '../../../runtime/client/control-client';
import { deploy, type DeployResult } from '../../../runtime/deploy/deploy';
import type { LiveResource } from '../../../runtime/contract/live-plan';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { shopManifest } from '../api/fixture';

type Rep = { id: string; owner?: string; generation: number; etag: string };
type Err = { error: { code: string; message: string } };

/**
 * Two parties that meet at every step: the n-th arrival of one waits for the n-th arrival of the other, until
 * that other leaves (its deploy is over: a winner reads the live state once more than a loser).
 */
class Lockstep {
  private readonly arrivals: [number, number] = [0, 0];
  private readonly waiting: (() => void)[] = [];
  async arrive(party: 0 | 1): Promise<void> {
    this.arrivals[party] += 1;
    this.wake();
    while (this.arrivals[party === 0 ? 1 : 0] < this.arrivals[party]) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }
  leave(party: 0 | 1): void {
    this.arrivals[party] = Infinity;
    this.wake();
  }
  private wake(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/** A control API client whose reads of the live state meet the other party's, so both plan on the same state. */
class LockstepClient extends ControlClient {
  constructor(
    agent: TestAgent,
    private readonly lockstep: Lockstep,
    private readonly party: 0 | 1,
  ) {
    super(agent.endpoint, agent.token);
  }
  override async live(): Promise<LiveResource[]> {
    const live = await super.live();
    await this.lockstep.arrive(this.party);
    return live;
  }
}

describe('Control API: conditional writes (If-Match on the etag)', () => {
  let agent: TestAgent;
  beforeEach(async () => {
    agent = await startAgent();
  });
  afterEach(async () => {
    await agent?.stop();
  });

  it('tags each version with its generation and owner, and refuses a write or delete made on a stale one with 412', async () => {
    const created = await agent.call<Rep>('PUT', '/v1/security-groups/sg', { spec: {}, owner: 'terraform' });
    expect(created.body.etag).to.equal('"1:terraform"');
    expect(created.headers.get('etag')).to.equal('"1:terraform"');
    expect((await agent.call<Rep>('GET', '/v1/security-groups/sg')).headers.get('etag')).to.equal('"1:terraform"');

    const taken = await call(
      agent,
      'PUT',
      '/v1/security-groups/sg',
      { spec: {}, owner: 'deploy/a' },
      { 'if-match': '"1:terraform"' },
    );
    expect(taken.status).to.equal(200);
    expect((taken.body as Rep).etag, 'a new owner is a new version, the generation stays').to.equal('"1:deploy/a"');

    const stale = await call(
      agent,
      'PUT',
      '/v1/security-groups/sg',
      { spec: {}, owner: 'deploy/b' },
      { 'if-match': '"1:terraform"' },
    );
    expect(stale.status).to.equal(412);
    expect((stale.body as Err).error).to.deep.equal({
      code: 'PRECONDITION_FAILED',
      message:
        'SecurityGroup "sg" changed since it was read: it is at generation 1, owned by deploy/a (stack "a") (etag "1:deploy/a"), ' +
        'not "1:terraform" as If-Match expected; nothing was changed: read it again, plan again and retry',
    });
    const exists = await call(agent, 'PUT', '/v1/security-groups/sg', { spec: {} }, { 'if-none-match': '*' });
    expect(exists.status).to.equal(412);
    expect((exists.body as Err).error.message).to.match(
      /^SecurityGroup "sg" already exists \(it is at generation 1, .*If-None-Match asked to write it only if absent/,
    );
    expect(
      (await call(agent, 'PUT', '/v1/security-groups/other', { spec: {} }, { 'if-none-match': '*' })).status,
    ).to.equal(201);
    expect(
      (await call(agent, 'PUT', '/v1/security-groups/absent', { spec: {} }, { 'if-match': '"1:"' })).status,
    ).to.equal(412);

    expect(
      (await call(agent, 'DELETE', '/v1/security-groups/sg', undefined, { 'if-match': '"1:terraform"' })).status,
    ).to.equal(412);
    expect((await agent.call<Rep>('GET', '/v1/security-groups/sg')).body).to.deep.include({
      owner: 'deploy/a',
      generation: 1,
    });
    expect(
      (await call(agent, 'DELETE', '/v1/security-groups/sg', undefined, { 'if-match': '"1:deploy/a"' })).status,
    ).to.equal(200);
  });

  it('lets exactly one of two concurrent adopters take the resources; the other gets a clear error and changes nothing', async () => {
    const manifest: Manifest = validateManifest(
      shopManifest({ listenerPort: await freePort(), backendPort: await freePort() }),
    );
    const first = await deploy(new ControlClient(agent.endpoint, agent.token), manifest, { stack: 'a' });
    expect(first.ok, first.message).to.equal(true);
    const seen = (await agent.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items.length;

    const lockstep = new Lockstep();
    const outcomes = await Promise.allSettled(
      (['b', 'c'] as const).map((stack, party) =>
        deploy(new LockstepClient(agent, lockstep, party as 0 | 1), manifest, { stack, adopt: true }).finally(() =>
          lockstep.leave(party as 0 | 1),
        ),
      ),
    );
    const won = outcomes.filter((o): o is PromiseFulfilledResult<DeployResult> => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won, 'exactly one adopter wins').to.have.length(1);
    expect(lost).to.have.length(1);
    expect(won[0]?.value.ok).to.equal(true);
    const message = (lost[0]?.reason as Error).message;
    expect(message).to.match(
      /^SecurityGroup shop-sg: cannot take it over: SecurityGroup "shop-sg" changed since it was read: it is at generation 1, owned by deploy\/[bc]/,
    );
    expect(message).to.contain('another deploy or tool changed it after this deploy read it; run the deploy again');

    const winner = outcomes[0]?.status === 'fulfilled' ? 'deploy/b' : 'deploy/c';
    for (const collection of ['security-groups', 'load-balancers', 'server-groups', 'backend-services', 'listeners']) {
      const { body } = await agent.call<{ items: Rep[] }>('GET', `/v1/${collection}`);
      expect(
        body.items.map((r) => r.owner),
        collection,
      ).to.deep.equal([winner]);
    }
    expect(
      (await agent.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items,
      'adopting is bookkeeping',
    ).to.have.length(seen);
  });

  it('lets exactly one of two concurrent deploys that planned the same creates go on', async () => {
    const manifest: Manifest = validateManifest(
      shopManifest({ listenerPort: await freePort(), backendPort: await freePort() }),
    );
    const lockstep = new Lockstep();
    const results = await Promise.all(
      ([0, 1] as const).map((party) =>
        deploy(new LockstepClient(agent, lockstep, party), manifest, { stack: 'web' }).finally(() =>
          lockstep.leave(party),
        ),
      ),
    );
    expect(
      results.filter((r) => r.ok),
      'exactly one deploy completes',
    ).to.have.length(1);
    const failed = results.find((r) => !r.ok);
    expect(failed?.message).to.match(
      /^SecurityGroup shop-sg: PRECONDITION_FAILED: SecurityGroup "shop-sg" already exists/,
    );
    const ops = (await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations')).body.items;
    expect(
      ops.map((o) => `${o.op} ${o.id}`),
      'each resource created once',
    ).to.deep.equal(manifest.resources.map((r) => `create ${r.id}`));
  });
});

/** A control API request with extra headers. */
async function call(
  agent: TestAgent,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${agent.endpoint}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${agent.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
