import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildManifest, manifestText, validateManifest, ValidationError } from '../../lib';
import { manifestSchemaFileText } from '../../tools/gen/manifest-schema';
import { baseResources } from '../fixtures/resources';

/** The same value with object keys inserted in reverse order, at every level. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

describe('manifest', () => {
  it('is deterministic: same bytes and hash twice, and across key insertion and resource orders', () => {
    const a = manifestText(buildManifest(baseResources()));
    const b = manifestText(buildManifest(baseResources()));
    const c = manifestText(
      buildManifest((reverseKeys(baseResources()) as typeof baseResources extends () => infer R ? R : never).reverse()),
    );
    expect(b).to.equal(a);
    expect(c).to.equal(a);
    expect((JSON.parse(a) as { hash: string }).hash).to.match(/^[0-9a-f]{64}$/);
  });

  it('changes its hash when a spec changes', () => {
    const a = buildManifest(baseResources());
    const changed = baseResources().map((r) =>
      r.id === 'web/http' ? { ...r, spec: { ...(r.spec as object), port: 81 } } : r,
    );
    expect(buildManifest(changed).hash).to.not.equal(a.hash);
  });

  it('lists resources in creation order with implied edges in dependsOn', () => {
    const manifest = buildManifest(baseResources());
    expect(manifest.resources.map((r) => r.id)).to.deep.equal([
      'open',
      'web',
      'web/servers',
      'web/backend',
      'web/http',
    ]);
    expect(manifest.resources.find((r) => r.id === 'web/backend')?.dependsOn).to.deep.equal(['web', 'web/servers']);
  });

  it('keeps explicit edges and reports a cycle through them', () => {
    const resources = baseResources().map((r) => (r.id === 'open' ? { ...r, dependsOn: ['web/http'] } : r));
    try {
      buildManifest(resources);
      expect.fail('expected a cycle');
    } catch (error) {
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as Error).message).to.match(/dependsOn: dependency cycle: .*open.*-> .*open/);
    }
  });

  it('reports a resource id used twice once, naming the id, and nothing else about it', () => {
    const twice = [
      ...baseResources(),
      {
        id: 'web/http',
        kind: 'Listener',
        spec: { loadBalancer: 'web', protocol: 'HTTP', port: 81, backendService: 'web/backend' },
      },
    ];
    expect(() => buildManifest(twice))
      .to.throw(ValidationError)
      .with.property('issues')
      .that.deep.equals([{ path: 'web/http', field: 'id', message: 'is used by two resources' }]);
  });

  it('still checks the spec of a resource whose id is taken', () => {
    const twice = [
      ...baseResources(),
      {
        id: 'web/http',
        kind: 'Listener',
        spec: { loadBalancer: 'web', protocol: 'HTTP', port: 0, backendService: 'web/backend' },
      },
    ];
    expect(() => buildManifest(twice))
      .to.throw(ValidationError)
      .with.property('issues')
      .that.deep.equals([
        { path: 'web/http', field: 'id', message: 'is used by two resources' },
        { path: 'web/http', field: 'port', message: 'Too small: expected number to be >=1' },
      ]);
  });

  it('reads back what it wrote', () => {
    const manifest = buildManifest(baseResources());
    expect(validateManifest(JSON.parse(manifestText(manifest)))).to.deep.equal(manifest);
  });

  it('rejects a document of another apiVersion', () => {
    expect(() => validateManifest({ apiVersion: 'v0', resources: [] })).to.throw(
      /manifest: apiVersion: must be "albkit\/v1"/,
    );
  });

  it('has its JSON Schema committed and up to date (npm run gen regenerates it)', () => {
    const committed = readFileSync(join(__dirname, '../../../docs/manifest.schema.json'), 'utf8');
    expect(committed).to.equal(manifestSchemaFileText());
  });
});
