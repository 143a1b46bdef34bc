/** The provider schema generated from the model, and the cty msgpack codec Terraform's values travel in. */
import { encode, ExtData } from '@msgpack/msgpack';
import { expect } from 'chai';
import fc from 'fast-check';
import { KIND_NAMES, KINDS } from '../../../lib';
import { DERIVED_DEFAULTS } from '../../../lib/resolve';
import { decodeJson, decodeValue, encodeValue, UNKNOWN, type CtyType } from '../../../runtime/terraform/cty';
import { attributePath } from '../../../runtime/terraform/diagnostics';
import { readFileSync } from 'node:fs';
import { MODEL_DOCS_FILE } from '../../../runtime/terraform/model-docs-file';
import { modelDocsText } from '../../../tools/gen/model-docs';
import { resourceSchema, snakeCase, type AttributeSchema } from '../../../runtime/terraform/schema';
import { providerSchemaDocument } from '../../../runtime/terraform/schema-forms';

const byName = (attributes: AttributeSchema[]) => Object.fromEntries(attributes.map((a) => [a.name, a]));

describe('Provider schema', () => {
  it('has one attribute per spec field of every kind, plus resource_id and id', () => {
    for (const kind of KIND_NAMES) {
      const schema = resourceSchema(kind);
      const shape = (KINDS[kind].schema as unknown as { shape: Record<string, unknown> }).shape;
      expect(schema.attributes.map((a) => a.name).sort(), kind).to.deep.equal(
        ['id', 'resource_id', ...Object.keys(shape).map(snakeCase)].sort(),
      );
    }
  });

  it("forces a replace for exactly the model's replaceOnChange fields and resource_id", () => {
    for (const kind of KIND_NAMES) {
      const replaced = resourceSchema(kind)
        .attributes.filter((a) => a.replace)
        .map((a) => a.field ?? a.name);
      expect(replaced.sort(), kind).to.deep.equal(['resource_id', ...KINDS[kind].replaceOnChange].sort());
    }
  });

  it('makes defaults and derived values optional and computed, required fields required', () => {
    const backend = byName(resourceSchema('BackendService').attributes);
    expect(backend.algorithm).to.deep.include({
      optional: true,
      computed: true,
      required: false,
      default: 'WEIGHTED_ROUND_ROBIN',
    });
    expect(backend.protocol).to.deep.include({ required: true, computed: false });
    expect(backend.port, 'a backend service of server groups needs no port').to.deep.include({
      optional: true,
      required: false,
      computed: false,
    });
    const check = byName(backend.health_check!.nested!.attributes);
    expect(check.timeout_ms).to.deep.include({ optional: true, computed: true, default: 5000 });
    expect(check.protocol).to.deep.include({ optional: true, computed: true, derived: true });
    expect(check.port).to.deep.include({ optional: true, computed: false });
    for (const kind of KIND_NAMES) {
      for (const path of DERIVED_DEFAULTS[kind]) {
        const names = path.replace(/\[\]/g, '').split('.');
        let attributes = resourceSchema(kind).attributes;
        let found: AttributeSchema | undefined;
        for (const name of names) {
          found = attributes.find((a) => a.field === name);
          attributes = found?.nested?.attributes ?? [];
        }
        expect(found?.computed, `${kind} ${path}`).to.equal(true);
      }
    }
  });

  it('nests objects and lists of objects as nested attributes, and unions as one object of optional attributes', () => {
    const group = byName(resourceSchema('ServerGroup').attributes);
    expect(group.servers!.nested!.mode).to.equal('list');
    expect(group.servers!.type).to.deep.equal([
      'list',
      ['object', { address: 'string', name: 'string', port: 'number', weight: 'number', zone: 'string' }],
    ]);
    const certificate = byName(byName(resourceSchema('Listener').attributes).certificate!.nested!.attributes);
    expect(Object.keys(certificate).sort()).to.deep.equal(['cert_file', 'cert_pem', 'key_file', 'key_pem']);
    expect(Object.values(certificate).every((a) => a.optional)).to.equal(true);
    expect(certificate.key_pem!.sensitive).to.equal(true);
    expect(certificate.cert_pem!.sensitive).to.equal(false);
  });

  it('writes the providers schema -json document Terraform itself would print', () => {
    const document = providerSchemaDocument() as {
      provider_schemas: Record<
        string,
        { resource_schemas: Record<string, { block: { attributes: Record<string, Record<string, unknown>> } }> }
      >;
    };
    const provider = document.provider_schemas['registry.terraform.io/albkit/albkit']!;
    const listener = provider.resource_schemas.albkit_listener!.block.attributes;
    expect(listener.port).to.deep.include({ type: 'number', required: true });
    expect(listener.id).to.deep.include({ type: 'string', computed: true });
    expect(listener.id).to.not.have.property('optional');
    expect((listener.certificate!.nested_type as { nesting_mode: string }).nesting_mode).to.equal('single');
  });

  it("describes attributes in the model's own words (model-docs.json is up to date with lib/model's TSDoc)", () => {
    expect(readFileSync(MODEL_DOCS_FILE, 'utf8'), 'regenerate: npm run gen').to.equal(modelDocsText());
    const check = byName(byName(resourceSchema('BackendService').attributes).health_check!.nested!.attributes);
    expect(check.timeout_ms!.description).to.equal(
      'How long one check may take, 100–60000 ms; less than `interval_ms` unless both keep their defaults. Default: 5000.',
    );
    const listener = byName(resourceSchema('Listener').attributes);
    expect(listener.port!.description).to.equal(
      'The port, unique per load balancer. Changing it replaces the listener.',
    );
    const lb = byName(resourceSchema('LoadBalancer').attributes);
    expect(lb.name!.description, 'a required attribute states no default').to.equal("The load balancer's name.");
  });

  it('turns a model field path into a Terraform attribute path', () => {
    expect(attributePath('servers[2].zone')).to.deep.equal([
      { attribute_name: 'servers' },
      { element_key_int: 2 },
      { attribute_name: 'zone' },
    ]);
    expect(attributePath('healthCheck.timeoutMs')).to.deep.equal([
      { attribute_name: 'health_check' },
      { attribute_name: 'timeout_ms' },
    ]);
  });
});

describe('cty msgpack', () => {
  const type: CtyType = ['object', { name: 'string', ports: ['list', 'number'], tls: ['object', { on: 'bool' }] }];

  it('writes an unknown as extension type 0 and every attribute, null where unset, in sorted order', () => {
    const bytes = encodeValue(type, { ports: [80, UNKNOWN], name: UNKNOWN });
    expect([...bytes]).to.deep.equal([
      0x83, // map of 3
      0xa4,
      ...Buffer.from('name'),
      0xd4,
      0x00,
      0x00,
      0xa5,
      ...Buffer.from('ports'),
      0x92,
      0x50,
      0xd4,
      0x00,
      0x00,
      0xa3,
      ...Buffer.from('tls'),
      0xc0,
    ]);
  });

  it('reads any extension type as unknown (refined unknowns are type 12)', () => {
    const refined = encode({ name: new ExtData(12, new Uint8Array([1, 2])), ports: [], tls: { on: true } });
    expect(decodeValue(type, refined)).to.deep.equal({ name: UNKNOWN, ports: [], tls: { on: true } });
  });

  it('reads a number cty wrote as its decimal string', () => {
    expect(decodeValue(['list', 'number'], encode(['12345678901234567890123', 1.5]))).to.deep.equal([
      1.2345678901234568e22, 1.5,
    ]);
  });

  it('round-trips any value of any type, unknowns included (property)', () => {
    const typeArb: fc.Arbitrary<CtyType> = fc.letrec<{ type: CtyType }>((tie) => ({
      type: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom<CtyType>('string', 'number', 'bool'),
        tie('type').map((inner) => ['list', inner] as const),
        fc
          .dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), tie('type'), { maxKeys: 4 })
          .map((attrs) => ['object', attrs] as const),
      ),
    })).type;
    const valueOf = (type: CtyType): fc.Arbitrary<unknown> => {
      const known: fc.Arbitrary<unknown> =
        type === 'string'
          ? fc.string()
          : // cty numbers have no negative zero (cty writes -0 as the integer 0; fc.integer() can yield -0 too): the
            // case below checks that apart.
            type === 'number'
            ? fc
                .oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))
                .filter((n) => !Object.is(n, -0))
            : type === 'bool'
              ? fc.boolean()
              : type[0] === 'object'
                ? fc.record(Object.fromEntries(Object.entries(type[1]).map(([name, inner]) => [name, valueOf(inner)])))
                : fc.array(valueOf((type as readonly ['list', CtyType])[1]), { maxLength: 4 });
      return fc.oneof({ weight: 6, arbitrary: known }, fc.constant(null), fc.constant(UNKNOWN));
    };
    fc.assert(
      fc.property(
        typeArb.chain((type) => fc.tuple(fc.constant(type), valueOf(type))),
        ([type, value]) => {
          expect(decodeValue(type, encodeValue(type, value))).to.deep.equal(value);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads -0 back as 0, as cty does (its numbers have no negative zero)', () => {
    const [zero] = decodeValue(['list', 'number'], encodeValue(['list', 'number'], [-0])) as number[];
    expect(Object.is(zero, 0)).to.equal(true);
  });

  it('round-trips values and reads the JSON form of state', () => {
    const value = { name: 'web', ports: [80, 443.5], tls: null };
    expect(decodeValue(type, encodeValue(type, value))).to.deep.equal(value);
    expect(decodeJson(type, Buffer.from('{"name":"web","old":1}'))).to.deep.equal({
      name: 'web',
      ports: null,
      tls: null,
    });
    expect(decodeValue(type, Buffer.alloc(0))).to.equal(null);
  });
});
