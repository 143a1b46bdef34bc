import { expect } from 'chai';
import { fingerprint, plan, validateResources, type RawResource, type Resource } from '../../../lib';
import { detailPlan, resourceChanges } from '../../../runtime/deploy/plan-changes';
import { generateCertificate } from '../../fixtures/tcp-peers';
import { baseResources, withSpec } from '../../fixtures/resources';

const resolved = (raw: RawResource[]): Resource[] => validateResources(raw);
const byId = (resources: Resource[], id: string): Resource => resources.find((r) => r.id === id) as Resource;

describe('plan changes', () => {
  const before = resolved(baseResources());

  it('names a nested field by its path, with the old and the new value', () => {
    const after = resolved(withSpec(baseResources(), 'web/backend', { healthCheck: { intervalMs: 6000 } }));
    expect(resourceChanges(byId(before, 'web/backend'), byId(after, 'web/backend'))).to.deep.equal([
      { path: 'healthCheck.intervalMs', before: 3000, after: 6000 },
    ]);
  });

  it('names an array element by its index: servers[1].weight', () => {
    const servers = [
      { name: 'a', address: '10.0.2.1', port: 80 },
      { name: 'b', address: '10.0.2.2', port: 80, zone: 'z2', weight: 7 },
    ];
    const after = resolved(withSpec(baseResources(), 'web/servers', { servers }));
    expect(resourceChanges(byId(before, 'web/servers'), byId(after, 'web/servers'))).to.deep.equal([
      { path: 'servers[1].weight', before: 10, after: 7 },
    ]);
  });

  it('marks the field that forces a replace', () => {
    const after = resolved(withSpec(baseResources(), 'web/http', { port: 81 }));
    const p = detailPlan(plan(before, after), before, after);
    const create = p.waves.flat().find((s) => s.id === 'web/http' && s.operation === 'put');
    expect(create?.action).to.equal('replace');
    expect(create?.changes).to.deep.equal([{ path: 'port', before: 80, after: 81, forcesReplace: true }]);
  });

  it('lists every field a create sets and a delete removes, with one side only', () => {
    const after = resolved(withSpec(baseResources(), 'web/http', null));
    const deleted = detailPlan(plan(before, after), before, after)
      .waves.flat()
      .find((s) => s.id === 'web/http');
    expect(deleted?.changes.map((c) => [c.path, c.before, 'after' in c])).to.deep.include(['port', 80, false]);
    const created = detailPlan(plan([], before), [], before)
      .waves.flat()
      .find((s) => s.id === 'web/http');
    expect(created?.changes.map((c) => [c.path, 'before' in c, c.after])).to.deep.include(['protocol', false, 'HTTP']);
    expect(created?.changes.map((c) => c.path)).to.include.members(['dependsOn[0]', 'dependsOn[1]']);
  });

  it('shows a private key only as its fingerprint, marked sensitive', async function () {
    this.timeout(20_000);
    const [one, two] = [await generateCertificate(), await generateCertificate()];
    const https = (certificate: { cert: string; key: string }): RawResource[] => [
      ...baseResources(),
      {
        id: 'web/https',
        kind: 'Listener',
        spec: {
          loadBalancer: 'web',
          protocol: 'HTTPS',
          port: 443,
          backendService: 'web/backend',
          certificate: { certPem: certificate.cert, keyPem: certificate.key },
        },
      },
    ];
    const changes = resourceChanges(byId(resolved(https(one)), 'web/https'), byId(resolved(https(two)), 'web/https'));
    const key = changes.find((c) => c.path === 'certificate.keyPem');
    expect(key).to.deep.equal({
      path: 'certificate.keyPem',
      before: fingerprint(one.key),
      after: fingerprint(two.key),
      sensitive: true,
    });
    expect(JSON.stringify(changes)).not.to.include('PRIVATE KEY');
    expect(changes.find((c) => c.path === 'certificate.certPem')?.after).to.equal(two.cert);
  });

  it('finds no change between a key and its fingerprint (what the agent answers)', async function () {
    this.timeout(20_000);
    const certificate = await generateCertificate();
    const spec = { loadBalancer: 'web', protocol: 'HTTPS', port: 443, backendService: 'web/backend' };
    const desired = resolved([
      ...baseResources(),
      {
        id: 'web/https',
        kind: 'Listener',
        spec: { ...spec, certificate: { certPem: certificate.cert, keyPem: certificate.key } },
      },
    ]);
    const live = {
      ...byId(desired, 'web/https'),
      spec: {
        ...byId(desired, 'web/https').spec,
        certificate: { certPem: certificate.cert, keyPem: fingerprint(certificate.key) },
      },
    } as Resource;
    expect(resourceChanges(live, byId(desired, 'web/https'))).to.deep.equal([]);
  });
});
