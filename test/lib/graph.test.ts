import { expect } from 'chai';
import fc from 'fast-check';
import { createWaves, CycleError, destroyWaves, mergedCreationOrder, type Node } from '../../lib';

/** Random DAGs: node i may depend only on nodes with a smaller index, so there is never a cycle. */
const dag = fc
  .integer({ min: 1, max: 40 })
  .chain((size) =>
    fc.tuple(
      ...Array.from({ length: size }, (_, i) =>
        fc
          .subarray(Array.from({ length: i }, (__, j) => `n${j}`))
          .map((dependsOn): Node => ({ id: `n${i}`, dependsOn })),
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
    expect(
      createWaves([
        { id: 'b', dependsOn: [] },
        { id: 'a', dependsOn: [] },
        { id: 'c', dependsOn: ['a'] },
      ]),
    ).to.deep.equal([['a', 'b'], ['c']]);
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
    expect(() =>
      createWaves([
        { id: 'a', dependsOn: [] },
        { id: 'b', dependsOn: ['a'] },
        { id: 'a', dependsOn: ['b'] },
      ]),
    ).to.throw('dependency graph: id "a" is used by two nodes');
  });

  it('prints a two-node cycle as a -> b -> a', () => {
    expect(() =>
      createWaves([
        { id: 'a', dependsOn: ['b'] },
        { id: 'b', dependsOn: ['a'] },
      ]),
    ).to.throw('dependency cycle: a -> b -> a');
  });
});

/** A DAG in creation order and a few changes: replacements (new edges, maybe back into the state) and new nodes. */
const stateAndChanges = dag.chain((nodes) =>
  fc
    .uniqueArray(
      fc.record({
        id: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...nodes.map((node) => node.id)) },
          { weight: 1, arbitrary: fc.constantFrom('x0', 'x1', 'x2', 'x3') },
        ),
        dependsOn: fc.subarray([...nodes.map((node) => node.id), 'x0', 'x1', 'x2', 'x3', 'elsewhere'], {
          maxLength: 3,
        }),
      }),
      { selector: (change) => change.id, maxLength: 5 },
    )
    .map((changes) => {
      const changed = new Set(changes.map((change) => change.id));
      const ordered = createWaves(nodes)
        .flat()
        .map((id) => nodes.find((node) => node.id === id) as Node);
      return { ordered: ordered.filter((node) => !changed.has(node.id)), added: changes };
    }),
);

describe('mergedCreationOrder', () => {
  it('gives the order createWaves gives for the state with the changes, and undefined exactly when they close a cycle', () => {
    let cycles = 0;
    let moved = 0;
    fc.assert(
      fc.property(stateAndChanges, ({ ordered, added }) => {
        let full: string[] | undefined;
        try {
          full = createWaves([...ordered, ...added]).flat();
        } catch (error) {
          if (!(error instanceof CycleError)) throw error;
          cycles += 1;
        }
        const merged = mergedCreationOrder(ordered, added);
        expect(merged).to.deep.equal(full);
        // A change that moves a node of the state to a later wave breaks the state's own order.
        const stateIds = new Set(ordered.map((node) => node.id));
        if (full && full.filter((id) => stateIds.has(id)).join() !== ordered.map((node) => node.id).join()) moved += 1;
      }),
      { numRuns: 500, seed: 20261203 },
    );
    expect(cycles).to.be.greaterThan(20);
    expect(moved).to.be.greaterThan(20);
  });

  it('places a chain of 20 000 nodes without exhausting the stack', () => {
    const chain = Array.from({ length: 20000 }, (_, i): Node => ({
      id: `n${String(i).padStart(5, '0')}`,
      dependsOn: i === 0 ? [] : [`n${String(i - 1).padStart(5, '0')}`],
    }));
    expect(mergedCreationOrder([], [...chain].reverse())).to.deep.equal(chain.map((node) => node.id));
  });
});
