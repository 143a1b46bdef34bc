import { expect } from 'chai';
import { validateManifest } from '../../../lib';
import type { LiveResource } from '../../../runtime/contract/live-plan';
import { lineReporter } from '../../../runtime/deploy/progress';
import { describeOwner, StackName, stackOwner, stackScope } from '../../../runtime/contract/stack';
import { OwnershipError } from '../../../runtime/deploy/stack';
import { shopManifest } from '../api/fixture';

const [sg, lb, servers] = validateManifest(shopManifest({ listenerPort: 8080, backendPort: 9001 })).resources;
if (!sg || !lb || !servers) throw new Error('fixture too small');
const live: LiveResource[] = [
  { resource: sg, state: 'ACTIVE', owner: 'deploy/web' },
  { resource: lb, state: 'ACTIVE', owner: 'terraform' },
  { resource: servers, state: 'FAILED' },
];
const idsOf = (list: readonly LiveResource[]): string[] => list.map((l) => l.resource.id);

describe('Stack scope', () => {
  it('owns only what carries its owner, and lists the claimed ids that others (or no one) own', () => {
    const scope = stackScope(live, 'deploy/web', new Set(['shop-sg', 'shop', 'shop/servers']), false);
    expect(idsOf(scope.owned)).to.deep.equal(['shop-sg']);
    expect(idsOf(scope.foreign)).to.deep.equal(['shop', 'shop/servers']);
  });

  it('ignores resources of other owners that the app does not claim', () => {
    const scope = stackScope(live, 'deploy/web', new Set(['shop-sg']), false);
    expect(idsOf(scope.owned)).to.deep.equal(['shop-sg']);
    expect(scope.foreign).to.deep.equal([]);
  });

  it('counts the claimed foreign resources as its own when adopting, and nothing else', () => {
    const scope = stackScope(live, 'deploy/other', new Set(['shop']), true);
    expect(idsOf(scope.owned)).to.deep.equal(['shop']);
    expect(idsOf(scope.foreign)).to.deep.equal(['shop']);
  });

  it('names each foreign resource, its owner and the way out', () => {
    const error = new OwnershipError('web', live.slice(1));
    expect(error.message).to.equal(
      'stack "web" claims 2 resources it does not own; nothing was changed:\n' +
        '  LoadBalancer "shop" is owned by terraform\n' +
        '  ServerGroup "shop/servers" is owned by no one (created by a PUT without owner, or before owners existed)\n' +
        'rename them in the app, deploy them with the stack that owns them, or give --adopt to take them over',
    );
    expect(describeOwner(stackOwner('web'))).to.equal('deploy/web (stack "web")');
  });

  it('accepts stack names that are path-safe words and refuses others', () => {
    for (const name of ['default', 'web-prod', 'team_a.v2', 'A1'])
      expect(StackName.safeParse(name).success, name).to.equal(true);
    for (const name of ['', '-web', 'a/b', 'two words', 'x'.repeat(64)])
      expect(StackName.safeParse(name).success, name).to.equal(false);
  });

  it('reports a takeover as one progress line', () => {
    let text = '';
    lineReporter({ write: (chunk) => (text += chunk) })({
      type: 'adopt',
      id: 'shop',
      kind: 'LoadBalancer',
      from: 'terraform',
    });
    expect(text).to.equal('adopted LoadBalancer shop (was owned by terraform)\n');
  });
});
