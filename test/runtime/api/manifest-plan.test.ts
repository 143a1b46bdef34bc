import { expect } from 'chai';
import { validateResources } from '../../../lib';
import { livePlan, type LiveResource } from '../../../runtime/contract/live-plan';
import { INLINE_PLAN_RESOURCES, planRun } from '../../../runtime/api/manifest-plan';
import { manyLoadBalancers } from './fixture';

describe('planRun', () => {
  // 2 000 resources desired; 1 100 of them live (220 load balancers), whose listeners change port (a replace)
  const desired = validateResources(manyLoadBalancers(400, { listenerPort: 8080, backendPort: 9 }).resources);
  const old = validateResources(manyLoadBalancers(220, { listenerPort: 8081, backendPort: 9 }).resources);
  const live: LiveResource[] = old.map((resource) => ({
    resource,
    state: 'ACTIVE',
    owner: 'deploy/default',
    etag: '"1"',
  }));

  it('plans a large run on a worker thread: the same plan as livePlan, while the event loop keeps turning', async () => {
    expect(live.length + desired.length).to.be.above(INLINE_PLAN_RESOURCES);
    let turns = 0;
    let planning = true;
    const tick = (): void => {
      turns += 1;
      if (planning) setImmediate(tick);
    };
    setImmediate(tick);
    const plan = await planRun(live, desired);
    planning = false;
    expect(plan).to.deep.equal(livePlan(live, desired));
    expect(plan.summary).to.deep.include({ create: 900, replace: 220 });
    expect(turns).to.be.above(1);
  });

  it('plans a small run here', async () => {
    const small = desired.slice(0, 10);
    expect(await planRun([], small)).to.deep.equal(livePlan([], small));
  });
});
