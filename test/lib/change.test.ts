import { expect } from 'chai';
import fc from 'fast-check';
import {
  ValidationError,
  parseSpec,
  validateChange,
  validateChanges,
  validateParsedChanges,
  validateResources,
  withImpliedEdges,
  type Kind,
  type RawResource,
  type Resource,
} from '../../lib';
import { baseResources, PEM_CERTIFICATE } from '../fixtures/resources';

/** Ids a generated change picks from, each with the kind it usually has. */
const POOL: Record<string, string> = {
  'sg-a': 'SecurityGroup',
  'sg-b': 'SecurityGroup',
  'ip-a': 'Eip',
  'ip-b': 'Eip',
  'ag-a': 'AvailabilityGroup',
  'lb-a': 'LoadBalancer',
  'lb-b': 'LoadBalancer',
  'group/1': 'ServerGroup',
  'group/2': 'ServerGroup',
  'be/1': 'BackendService',
  'be/2': 'BackendService',
  'be/3': 'BackendService',
  'l/1': 'Listener',
  'l/2': 'Listener',
  'l/3': 'Listener',
};
const IDS = Object.keys(POOL);

/** A valid state of pool ids that every walk starts from: every kind present, each rule with something to check. */
const SEED: RawResource[] = [
  { id: 'sg-a', kind: 'SecurityGroup', spec: {} },
  { id: 'ip-a', kind: 'Eip', spec: { address: '1.2.3.4' } },
  { id: 'ag-a', kind: 'AvailabilityGroup', spec: { instances: [{ address: '10.0.3.1', zone: 'z1' }] } },
  {
    id: 'lb-a',
    kind: 'LoadBalancer',
    spec: {
      name: 'web',
      zones: ['z1'],
      vpc: { cidr: '10.0.0.0/16' },
      subnet: { cidr: '10.0.1.0/24' },
      securityGroups: ['sg-a'],
      eip: 'ip-a',
    },
  },
  {
    id: 'group/1',
    kind: 'ServerGroup',
    spec: { loadBalancer: 'lb-a', servers: [{ name: 'a', address: '10.0.2.1', port: 80 }] },
  },
  {
    id: 'be/1',
    kind: 'BackendService',
    spec: { loadBalancer: 'lb-a', protocol: 'HTTP', port: 80, serverGroups: ['group/1'] },
  },
  {
    id: 'be/2',
    kind: 'BackendService',
    spec: { loadBalancer: 'lb-a', protocol: 'TCP', port: 80, availabilityGroups: ['ag-a'] },
  },
  { id: 'l/1', kind: 'Listener', spec: { loadBalancer: 'lb-a', protocol: 'HTTP', port: 80, backendService: 'be/1' } },
  { id: 'l/2', kind: 'Listener', spec: { loadBalancer: 'lb-a', protocol: 'TCP', port: 81, backendService: 'be/2' } },
];
const idsOf = (kind: string): string[] => [...IDS.filter((id) => POOL[id] === kind), 'missing'];

/** Mostly `good`, sometimes one of `bad`. */
const mostly = <T>(good: T, ...bad: T[]): fc.Arbitrary<T> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
/** Mostly undefined, sometimes a value. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const subset = <T>(items: readonly T[]): fc.Arbitrary<T[]> => fc.subarray([...items]);

/** A spec of `kind` from small domains, so that clashes (ports, EIPs, zones, VPCs, protocols) are frequent. */
function specOf(kind: string): fc.Arbitrary<Record<string, unknown>> {
  const lb = fc.constantFrom('lb-a', 'lb-a', 'lb-b', 'missing');
  switch (kind) {
    case 'SecurityGroup':
      return fc.constantFrom({}, { ingress: [{ cidr: '10.0.0.0/8', protocol: 'TCP', fromPort: 80, toPort: 80 }] });
    case 'Eip':
      return fc.record({ address: fc.constantFrom('1.2.3.4', '1.2.3.5', '1.2.3.6', 'nope') });
    case 'AvailabilityGroup':
      return fc.record({
        instances: subset([
          { address: '10.0.3.1', zone: 'z1' },
          { address: '192.168.0.1', zone: 'z1' },
          { address: '10.0.3.2', zone: 'z3' },
        ]),
      });
    case 'LoadBalancer':
      return fc.record(
        {
          name: mostly('web', 'bad name'),
          zones: fc.constantFrom(['z1'], ['z1', 'z2'], ['z2']),
          vpc: fc.record({ cidr: fc.constantFrom('10.0.0.0/16', '10.0.0.0/8') }),
          subnet: fc.record({ cidr: mostly('10.0.1.0/24', '11.0.0.0/24') }),
          securityGroups: fc.subarray(idsOf('SecurityGroup'), { maxLength: 1 }),
          eip: fc.constantFrom('ip-a', 'ip-b', 'lb-a', 'missing'),
        },
        { requiredKeys: ['name', 'zones', 'vpc', 'subnet'] },
      );
    case 'ServerGroup':
      return fc.record({
        loadBalancer: lb,
        servers: subset([
          { name: 'a', address: '10.0.2.1', port: 80 },
          { name: 'a', address: '10.0.2.2', port: 81 },
          { address: '10.1.0.1', port: 80, zone: 'z2' },
          { address: '172.16.0.1', port: 80 },
        ]),
      });
    case 'BackendService':
      return fc.record(
        {
          loadBalancer: lb,
          protocol: fc.constantFrom('HTTP', 'TCP'),
          port: mostly(80, 0),
          serverGroups: subset(idsOf('ServerGroup')),
          availabilityGroups: subset(idsOf('AvailabilityGroup')),
          sessionPersistence: fc.record({ enabled: fc.boolean() }),
          proxyProtocol: fc.boolean(),
        },
        { requiredKeys: ['loadBalancer', 'protocol', 'port'] },
      );
    default:
      return fc.record(
        {
          loadBalancer: lb,
          protocol: fc.constantFrom('HTTP', 'HTTPS', 'TCP'),
          port: fc.constantFrom(80, 81),
          backendService: fc.constantFrom(...idsOf('BackendService')),
          certificate: fc.constant(PEM_CERTIFICATE),
        },
        { requiredKeys: ['loadBalancer', 'protocol', 'port', 'backendService'] },
      );
  }
}

/** A create or update of a pool id: mostly of its usual kind, sometimes of another; sometimes with extra edges. */
const change: fc.Arbitrary<RawResource> = fc
  .record({
    id: fc.constantFrom(...IDS),
    otherKind: fc.constantFrom(...new Set(Object.values(POOL))),
    keepKind: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  })
  .chain(({ id, otherKind, keepKind }) => {
    const kind = keepKind ? (POOL[id] as string) : otherKind;
    return fc.record({
      id: fc.constant(id),
      kind: fc.constant(kind),
      spec: specOf(kind),
      dependsOn: rarely(fc.subarray(IDS, { maxLength: 1 })),
    });
  })
  .map(({ dependsOn, ...rest }) => (dependsOn === undefined ? rest : { ...rest, dependsOn }));

type Outcome = { ok: true; resources: Resource[] } | { ok: false; issues: string[] };

function outcome(run: () => Resource[]): Outcome {
  try {
    return { ok: true, resources: run() };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { ok: false, issues: error.issues.map((issue) => JSON.stringify(issue)).sort() };
  }
}

/** What a walk covered: the kinds of accepted changes and the number of refused ones. */
interface Coverage {
  acceptedKinds: Set<string>;
  refused: number;
}

/** Walks random changes and deletions from SEED, checking each change both ways; `parameters` as fc.assert's. */
function walkChanges(parameters: fc.Parameters<[Array<RawResource | string>]>): Coverage {
  const coverage: Coverage = { acceptedKinds: new Set(), refused: 0 };
  fc.assert(
    fc.property(
      fc.array(fc.oneof({ weight: 5, arbitrary: change }, { weight: 1, arbitrary: fc.constantFrom(...IDS) }), {
        maxLength: 60,
      }),
      (steps) => {
        let state = validateResources(SEED);
        for (const step of steps) {
          if (typeof step === 'string') {
            // A deletion, as the agent allows it: only when nothing depends on the resource.
            if (!state.some((r) => r.dependsOn.includes(step))) state = state.filter((r) => r.id !== step);
            continue;
          }
          const full = outcome(() => validateResources([...state.filter((r) => r.id !== step.id), step]));
          const incremental = outcome(() => validateChange(state, step));
          expect(incremental).to.deep.equal(full);
          if (full.ok) {
            state = full.resources;
            coverage.acceptedKinds.add(step.kind);
          } else {
            coverage.refused += 1;
          }
        }
      },
    ),
    parameters,
  );
  return coverage;
}

describe('validateChange', () => {
  it('gives what validateResources gives for the state with the change, over random walks of changes and deletions', () => {
    walkChanges({ numRuns: 300 });
  });

  it('walks, with a fixed seed, changes of every kind accepted and many refused, so every rule is compared both ways', () => {
    const { acceptedKinds, refused } = walkChanges({ numRuns: 300, seed: 20261125 });
    expect([...acceptedKinds].sort()).to.deep.equal([
      'AvailabilityGroup',
      'BackendService',
      'Eip',
      'Listener',
      'LoadBalancer',
      'SecurityGroup',
      'ServerGroup',
    ]);
    expect(refused).to.be.greaterThan(100);
  });

  it('builds the base load balancer one change at a time, equal to validating it whole', () => {
    let state: Resource[] = [];
    for (const resource of baseResources()) state = validateChange(state, resource);
    expect(state.map((r) => r.kind).sort()).to.deep.equal([
      'BackendService',
      'Listener',
      'LoadBalancer',
      'SecurityGroup',
      'ServerGroup',
    ]);
    expect(state).to.deep.equal(validateResources(baseResources()));
  });

  it('reports a change that breaks a dependent on the dependent, as the full validation does', () => {
    const state = validateResources(baseResources());
    const tcp = {
      id: 'web/backend',
      kind: 'BackendService',
      spec: { loadBalancer: 'web', protocol: 'TCP', port: 80, serverGroups: ['web/servers'] },
    };
    let error: unknown;
    try {
      validateChange(state, tcp);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).issues).to.deep.include({
      path: 'web/http',
      field: 'backendService',
      message: 'an HTTP listener needs an HTTP backend service; web/backend is TCP',
    });
  });

  it('refuses a change that closes a dependency cycle', () => {
    const state = validateResources(baseResources());
    const sg = { id: 'open', kind: 'SecurityGroup', spec: {}, dependsOn: ['web/http'] };
    expect(() => validateChange(state, sg)).to.throw(ValidationError, /dependency cycle/);
  });
});

describe('validateChanges', () => {
  it('accepts a batch exactly when validateResources accepts the state with the batch, with the same result', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.uniqueArray(change, { selector: (c) => c.id, maxLength: 8 }), (batch) => {
        const state = validateResources(SEED);
        const ids = new Set(batch.map((c) => c.id));
        const full = outcome(() => validateResources([...state.filter((r) => !ids.has(r.id)), ...batch]));
        const incremental = outcome(() => validateChanges(state, batch));
        expect(incremental.ok).to.equal(full.ok);
        if (full.ok) {
          accepted += 1;
          expect(incremental).to.deep.equal(full);
        } else {
          // A change that does not parse stops the batch before the rules: its issues are a part of the full check's.
          expect(full.issues).to.include.members((incremental as { issues: string[] }).issues);
        }
      }),
      { numRuns: 300, seed: 20261203 },
    );
    expect(accepted).to.be.greaterThan(20);
  });

  it('gives what validateParsedChanges gives for the batch parsed beforehand, refusals included', () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.uniqueArray(change, { selector: (c) => c.id, maxLength: 8 }), (batch) => {
        const state = validateResources(SEED);
        const parsed = batch.map(({ id, kind, spec, dependsOn = [] }) => {
          const result = parseSpec(kind as Kind, id, spec);
          return result.issues.length === 0 ? withImpliedEdges(kind as Kind, id, result.spec, dependsOn) : undefined;
        });
        if (parsed.some((resource) => resource === undefined)) return;
        compared += 1;
        expect(outcome(() => validateParsedChanges(state, parsed as Resource[]))).to.deep.equal(
          outcome(() => validateChanges(state, batch)),
        );
      }),
      { numRuns: 300, seed: 20261203 },
    );
    expect(compared).to.be.greaterThan(50);
  });

  it('refuses a batch that names one id twice', () => {
    const state = validateResources(SEED);
    const sg = withImpliedEdges('SecurityGroup', 'sg-b', {}, []);
    expect(outcome(() => validateParsedChanges(state, [sg, sg]))).to.deep.equal({
      ok: false,
      issues: [JSON.stringify({ path: 'sg-b', field: 'id', message: 'is used by two resources' })],
    });
  });

  it('gives what validateChange gives for a batch of one', () => {
    const state = validateResources(baseResources());
    const tcp = {
      id: 'web/backend',
      kind: 'BackendService',
      spec: { loadBalancer: 'web', protocol: 'TCP', port: 80, serverGroups: ['web/servers'] },
    };
    expect(outcome(() => validateChanges(state, [tcp]))).to.deep.equal(outcome(() => validateChange(state, tcp)));
  });
});
