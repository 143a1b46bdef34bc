import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FileStore, StateWriteError } from '../../../runtime/store/file-store';
import { emptyState, type AgentState, type StoredResource } from '../../../runtime/store/state';
import { mountTmpfs, type Tmpfs } from './tmpfs';

const sg = (id: string): StoredResource => ({
  id,
  kind: 'SecurityGroup',
  dependsOn: [],
  spec: { ingress: [] },
  state: 'ACTIVE',
  generation: 1,
});

/** Adds a resource as a PUT does: a new resource, an operation, the next sequence number. */
function create(state: AgentState, id: string): void {
  state.seq += 1;
  state.resources.push({ ...sg(id), state: 'CREATING' });
  state.operations.push({ seq: state.seq, time: new Date(0).toISOString(), op: 'create', id, kind: 'SecurityGroup' });
}

describe('FileStore on a full disk', function () {
  let tmpfs: Tmpfs | undefined;
  let store: FileStore;
  let state: AgentState;
  let before: string;

  beforeEach(async function () {
    tmpfs = await mountTmpfs('256k');
    if (tmpfs === undefined) return this.skip();
    store = new FileStore(tmpfs.dir);
    state = await store.load();
    create(state, 'kept');
    state.resources[0]!.state = 'ACTIVE';
    await store.save(state);
    before = JSON.stringify(state);
    await tmpfs.fill();
  });
  afterEach(async () => {
    await tmpfs?.unmount();
    tmpfs = undefined;
  });

  it('leaves the state as it was, in memory and on disk, removes its temporary file and says why', async () => {
    const onDisk = await readFile(store.file, 'utf8');
    create(state, 'lost');
    state.resources[0]!.state = 'DELETING';
    const error = await store.save(state).catch((caught: Error) => caught);
    expect(error).to.be.instanceOf(StateWriteError);
    expect((error as Error).message)
      .to.contain(`cannot write ${store.file}: ENOSPC`)
      .and.contain('nothing was changed');
    expect(JSON.stringify(state)).to.equal(before);
    expect(store.durable).to.deep.equal(JSON.parse(before));
    expect(await readFile(store.file, 'utf8')).to.equal(onDisk);
    expect((await readdir(tmpfs!.dir)).sort()).to.deep.equal(['filler', 'state.json']);
  });

  it('refuses the write queued behind a failed one too, as its change was undone with it', async () => {
    create(state, 'first');
    const first = store.save(state).catch((caught: Error) => caught);
    while (store.writes < 2) await Promise.resolve();
    create(state, 'queued');
    const queued = store.save(state).catch((caught: Error) => caught);
    expect(await first).to.be.instanceOf(StateWriteError);
    const error = await queued;
    expect(error).to.be.instanceOf(StateWriteError);
    expect((error as Error).message).to.contain('an earlier write failed (ENOSPC');
    expect(JSON.stringify(state)).to.equal(before);
  });

  it('stores the next change once there is space again, without the one that failed', async () => {
    create(state, 'lost');
    expect(await store.save(state).catch((caught: Error) => caught)).to.be.instanceOf(StateWriteError);
    await rm(join(tmpfs!.dir, 'filler'));
    create(state, 'stored');
    await store.save(state);
    const loaded = await new FileStore(tmpfs!.dir).load();
    expect(loaded.resources.map((r) => r.id)).to.deep.equal(['kept', 'stored']);
    expect(loaded.operations.map((o) => `${o.seq} ${o.id}`)).to.deep.equal(['1 kept', '2 stored']);
  });
});

describe('FileStore durable state', () => {
  it('is a copy: changes to the live state after a save leave it alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'albkit-durable-'));
    try {
      const store = new FileStore(dir);
      const state = emptyState();
      create(state, 'a');
      await store.save(state);
      state.resources[0]!.state = 'ACTIVE';
      create(state, 'b');
      expect(store.durable.resources.map((r) => `${r.id} ${r.state}`)).to.deep.equal(['a CREATING']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
