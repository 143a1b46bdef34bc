import { expect } from 'chai';
import fc from 'fast-check';
import { App, createWaves, destroyWaves, LoadBalancer, referencesOf, SecurityGroup } from '../../index';

type AppShape = { extraSecurityGroups: number; backends: { tcp: boolean; groups: number; listeners: number }[] }[];

/** The shape of a random valid app: load balancers, each with backend services over server groups and listeners. */
const appShape: fc.Arbitrary<AppShape> = fc.array(
  fc.record({
    extraSecurityGroups: fc.integer({ min: 0, max: 2 }),
    backends: fc.array(
      fc.record({
        tcp: fc.boolean(),
        groups: fc.integer({ min: 1, max: 3 }),
        listeners: fc.integer({ min: 1, max: 3 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  }),
  { minLength: 1, maxLength: 3 },
);

function buildApp(shape: AppShape): App {
  const app = new App();
  shape.forEach((lbShape, l) => {
    const groups = Array.from({ length: lbShape.extraSecurityGroups }, (_, g) => new SecurityGroup(app, `sg${l}-${g}`));
    const lb = new LoadBalancer(app, `lb${l}`, {
      zones: ['z1'],
      vpc: { cidr: '10.0.0.0/8' },
      subnet: { cidr: `10.${l}.0.0/24` },
      ...(groups.length ? { securityGroups: groups } : {}),
    });
    let port = 1000;
    lbShape.backends.forEach((backend, b) => {
      const serverGroups = Array.from({ length: backend.groups }, (_, g) =>
        lb.addServerGroup(`sg-${b}-${g}`, { servers: [{ address: `10.${l}.${b}.${g + 1}`, port: 80 }] }),
      );
      const service = lb.addBackendService(`backend-${b}`, {
        protocol: backend.tcp ? 'TCP' : 'HTTP',
        port: 80,
        serverGroups,
      });
      for (let i = 0; i < backend.listeners; i += 1) {
        lb.addListener(`listener-${b}-${i}`, {
          protocol: backend.tcp ? 'TCP' : 'HTTP',
          port: (port += 1),
          backendService: service,
        });
      }
    });
  });
  return app;
}

describe('random valid apps', () => {
  it('list every resource after all of its dependencies, and destroy it before them', () => {
    fc.assert(
      fc.property(appShape, (shape) => {
        const manifest = buildApp(shape).synth();
        const order = new Map(manifest.resources.map((r, i) => [r.id, i]));
        const kinds = new Map(manifest.resources.map((r) => [r.id, r.kind]));
        const create = new Map(
          createWaves(manifest.resources).flatMap((wave, i) => wave.map((id) => [id, i] as const)),
        );
        const destroy = new Map(
          destroyWaves(manifest.resources).flatMap((wave, i) => wave.map((id) => [id, i] as const)),
        );
        // The edges are there to check: every reference is an edge, and the kinds fall into the ALB's five waves.
        for (const resource of manifest.resources) {
          expect(resource.dependsOn).to.include.members(
            referencesOf(resource.kind, resource.spec).map((ref) => ref.id),
          );
        }
        const kindsByWave = createWaves(manifest.resources).map((wave) => [
          ...new Set(wave.map((id) => kinds.get(id))),
        ]);
        expect(kindsByWave).to.deep.equal([
          ['SecurityGroup'],
          ['LoadBalancer'],
          ['ServerGroup'],
          ['BackendService'],
          ['Listener'],
        ]);
        for (const resource of manifest.resources) {
          for (const dep of resource.dependsOn) {
            expect(order.get(resource.id)).to.be.greaterThan(order.get(dep) as number);
            expect(create.get(resource.id)).to.be.greaterThan(create.get(dep) as number);
            expect(destroy.get(resource.id)).to.be.lessThan(destroy.get(dep) as number);
          }
        }
      }),
      { numRuns: 50 },
    );
  });
});
