import { expect } from 'chai';
import { SLICE_ITEMS, arrayJson, arrayJsonPieces, stateTextPieces } from '../../runtime/json-slices';

const stateText = async (state: object): Promise<string> => (await stateTextPieces(state)).join('');
import { emptyState, type AgentState } from '../../runtime/store/state';

/** A state of `count` resources and operations, with nested specs, an owner, a reason and strings that need escaping. */
function stateOf(count: number): AgentState {
  const state = emptyState();
  for (let index = 0; index < count; index += 1) {
    state.resources.push({
      id: `lb${index}/http`,
      kind: 'Listener',
      dependsOn: [`lb${index}`, `lb${index}/backend`],
      spec: {
        loadBalancer: `lb${index}`,
        port: 8000 + index,
        tags: { note: 'line one\nline "two"' },
        rules: [],
        nested: [[1, { a: null }]],
      } as unknown as AgentState['resources'][number]['spec'],
      state: index % 2 === 0 ? 'ACTIVE' : 'FAILED',
      ...(index % 2 === 0 ? {} : { reason: 'port in use' }),
      generation: 1 + (index % 3),
      owner: 'deploy/default',
    });
    state.operations.push({
      seq: index + 1,
      time: new Date(index).toISOString(),
      op: 'create',
      id: `lb${index}/http`,
      kind: 'Listener',
    });
  }
  state.seq = count;
  return state;
}

describe('state.json text', () => {
  for (const count of [0, 1, SLICE_ITEMS, 2 * SLICE_ITEMS + 7]) {
    it(`is the bytes of JSON.stringify(state, null, 2) for ${count} resources and operations`, async () => {
      const state = stateOf(count);
      expect(await stateText(state)).to.equal(`${JSON.stringify(state, null, 2)}\n`);
    });
  }

  it('is the bytes of JSON.stringify for an array, compact or nested, with undefined items', async () => {
    const items = [...stateOf(SLICE_ITEMS + 3).resources, undefined, [], {}];
    expect(await arrayJson(items)).to.equal(JSON.stringify(items));
    expect(await arrayJson([])).to.equal('[]');
    expect(JSON.stringify({ a: { b: items } }, null, 2)).to.equal(
      `{\n  "a": {\n    "b": ${(await arrayJsonPieces(items, 2)).join('')}\n  }\n}`,
    );
  });

  it('lets the event loop run between slices of a large state', async () => {
    let turns = 0;
    const tick = (): void => {
      turns += 1;
      if (turns < 100) setImmediate(tick);
    };
    setImmediate(tick);
    await stateText(stateOf(4 * SLICE_ITEMS));
    // four slices of resources and four of operations: a turn between each two slices of an array
    expect(turns).to.be.at.least(6);
  });
});
