import { expect } from 'chai';
import fc from 'fast-check';
import { createWaves, CycleError, destroyWaves, type Node } from '../../lib';

/** Random DAGs: node i may depend only on nodes with a smaller index, so there is never a cycle. */
const dag = fc.integer({ min: 1, max: 40 }).chain((size) =>
  fc.tuple(
    ...Array.from({ length: size }, (_, i) =>
      fc.subarray(Array.from({ length: i }, (__, j) => `n${j}`)).map((dependsOn): Node => ({ id: `n${i}`, dependsOn })),
    ),
  ),
);

function position(waves: string[][]): Map<string, number> {
  return new Map(waves.flatMap((wave, index) => wave.map((id) => [id, index] as const)));
}

describe('graph', () => {
  it('creates every resource after all of its dependencies, and destroys it before them', () => {
    fc.assert(
      fc.property(dag, fc.nat(), (nodes, seed) => {
        const shuffled = [...nodes].sort((a, b) => ((a.id.length * 31 + seed) % 7) - ((b.id.length * 17 + seed) % 5));
        const create = position(createWaves(shuffled));
        const destroy = position(destroyWaves(shuffled));
        expect(create.size).to.equal(nodes.length);
        for (const node of nodes) {
          for (const dep of node.dependsOn) {
            expect(create.get(node.id)).to.be.greaterThan(create.get(dep) as number);
            expect(destroy.get(node.id)).to.be.lessThan(destroy.get(dep) as number);
          }
        }
      }),
    );
  });

  it('puts independent resources in one wave, ids sorted', () => {
    expect(createWaves([{ id: 'b', dependsOn: [] }, { id: 'a', dependsOn: [] }, { id: 'c', dependsOn: ['a'] }])).to.deep.equal([['a', 'b'], ['c']]);
  });

  it('reports a random cycle with its members', () => {
    fc.assert(
      fc.property(dag, fc.integer({ min: 2, max: 8 }), (nodes, length) => {
        const ring = Array.from({ length }, (_, i) => `c${i}`);
        const withCycle: Node[] = [
          ...nodes,
          ...ring.map((id, i) => ({ id, dependsOn: [ring[(i + 1) % length] as string, nodes[0]?.id ?? 'n0'] })),
        ];
        try {
          createWaves(withCycle);
          expect.fail('a cycle must be reported');
        } catch (error) {
          expect(error).to.be.instanceOf(CycleError);
          const cycle = (error as CycleError).cycle;
          expect(cycle[0]).to.equal(cycle[cycle.length - 1]);
          expect([...new Set(cycle)]).to.have.members(ring);
          expect((error as Error).message).to.match(/^dependency cycle: c\d( -> c\d)+$/);
        }
      }),
    );
  });

  it('refuses two nodes with one id instead of reporting an empty cycle', () => {
    expect(() => createWaves([{ id: 'a', dependsOn: [] }, { id: 'b', dependsOn: ['a'] }, { id: 'a', dependsOn: ['b'] }])).to.throw(
      'dependency graph: id "a" is used by two nodes',
    );
  });

  it('prints a two-node cycle as a -> b -> a', () => {
    expect(() => createWaves([{ id: 'a', dependsOn: ['b'] }, { id: 'b', dependsOn: ['a'] }])).to.throw('dependency cycle: a -> b -> a');
  });
});
