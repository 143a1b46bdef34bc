import { expect } from 'chai';
import { validateManifest, type Resource } from '../../../lib';
import { livePlan, type LiveResource } from '../../../runtime/contract/live-plan';
import { jsonReporter, lineReporter, ttyReporter } from '../../../runtime/deploy/progress';
import type { RunEvent } from '../../../runtime/deploy/run';
import { resolveTarget, TargetError } from '../../../runtime/deploy/target';
import { shopManifest } from '../api/fixture';

const desired = validateManifest(shopManifest({ listenerPort: 8080, backendPort: 9001 })).resources;
const live = (state: LiveResource['state'], resources: readonly Resource[] = desired): LiveResource[] =>
  resources.map((resource) => ({ resource, state }));
const steps = (plan: ReturnType<typeof livePlan>): string[] => plan.waves.flat().map((s) => `${s.action} ${s.id}`);

describe('livePlan', () => {
  it('plans nothing when every desired resource is ACTIVE and unchanged', () => {
    expect(livePlan(live('ACTIVE'), desired).waves).to.deep.equal([]);
  });

  it('puts again what is CREATING or FAILED, in creation order', () => {
    const state = live('ACTIVE').map((l) =>
      l.resource.id === 'shop/http'
        ? { ...l, state: 'FAILED' as const }
        : l.resource.id === 'shop/backend'
          ? { ...l, state: 'CREATING' as const }
          : l,
    );
    expect(steps(livePlan(state, desired))).to.deep.equal(['create shop/backend', 'create shop/http']);
  });

  it('still deletes a FAILED resource that is no longer desired', () => {
    const plan = livePlan(
      live('FAILED'),
      desired.filter((r) => r.id !== 'shop/http'),
    );
    expect(steps(plan).filter((s) => s.startsWith('delete'))).to.deep.equal(['delete shop/http']);
  });
});

describe('Progress reporters', () => {
  const plan = livePlan([], desired.slice(0, 2));
  const step = plan.waves[0]?.[0];
  if (!step) throw new Error('fixture plan is empty');
  const events: RunEvent[] = [
    { type: 'plan', plan, dryRun: false },
    { type: 'start', wave: 1, step },
    { type: 'done', wave: 1, step, ms: 12 },
    {
      type: 'failed',
      wave: 2,
      step: { ...step, id: 'shop', kind: 'LoadBalancer' },
      message: 'LoadBalancer shop: FAILED: boom',
    },
    { type: 'end', ok: false, plan, ms: 1500, message: 'LoadBalancer shop: FAILED: boom' },
  ];
  const collect = (make: (out: { write(text: string): void }) => (event: RunEvent) => void): string => {
    let text = '';
    const report = make({ write: (chunk) => (text += chunk) });
    events.forEach(report);
    return text;
  };

  it('writes one line per finished step', () => {
    expect(collect(lineReporter)).to.equal(
      'plan: 2 to create, 0 to update, 0 to replace, 0 to delete\n' +
        '[wave 1] ok      create SecurityGroup shop-sg (12 ms)\n' +
        '[wave 2] FAILED  LoadBalancer shop: FAILED: boom\n' +
        'failed after 1.5 s\n',
    );
  });

  it('writes one parseable JSON object per event', () => {
    const lines = collect(jsonReporter).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { type: string }).type)).to.deep.equal([
      'plan',
      'start',
      'done',
      'failed',
      'end',
    ]);
  });

  it('keeps finished steps as lines and redraws only the steps in flight on a terminal', () => {
    const text = collect(ttyReporter);
    expect(text).to.contain('… create SecurityGroup shop-sg\nwave 1/2, 0/2 done\n');
    expect(text).to.contain('\x1b[2A\x1b[0J✓ create SecurityGroup shop-sg  12 ms\nwave 1/2, 1/2 done\n');
    expect(text).to.contain('✗ LoadBalancer shop: FAILED: boom\n');
    expect(text.endsWith('failed after 1.5 s\n')).to.equal(true);
  });
});

describe('resolveTarget', () => {
  it('prefers --endpoint and refuses something that is not a base URL (a usage error)', async () => {
    let error: unknown;
    await resolveTarget({ endpoint: 'localhost:7070', tokenFile: '/dev/null' }).catch(
      (caught: unknown) => (error = caught),
    );
    expect(error).to.be.instanceOf(TargetError);
    expect((error as Error).message).to.contain('is not a base URL');
  });

  it('says where it looked when there is no endpoint', async () => {
    const saved = process.env.ALBKIT_ENDPOINT;
    delete process.env.ALBKIT_ENDPOINT;
    try {
      const error = await resolveTarget({ stateDir: '/nonexistent-albkit' }).catch((caught: Error) => caught);
      expect((error as Error).message).to.contain('/nonexistent-albkit/endpoint');
    } finally {
      if (saved !== undefined) process.env.ALBKIT_ENDPOINT = saved;
    }
  });
});
