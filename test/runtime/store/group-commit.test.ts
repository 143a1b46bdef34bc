import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { FileStore } from '../../../runtime/store/file-store';
import { emptyState, type AgentState, type StoredResource } from '../../../runtime/store/state';

const sg = (id: string): StoredResource => ({
  id,
  kind: 'SecurityGroup',
  dependsOn: [],
  spec: { ingress: [] },
  state: 'ACTIVE',
  generation: 1,
});

/** The ids in the state file on disk right now. */
function idsOnDisk(file: string): string[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as AgentState).resources.map((r) => r.id);
}

/** A child that changes the state and saves it in a tight loop, printing each sequence number once its save resolved. */
const WRITER = `
const { FileStore } = require(${JSON.stringify(resolve(__dirname, '../../../runtime/store/file-store'))});
const store = new FileStore(process.argv[1]);
const state = { version: 1, resources: [], operations: [], seq: 0 };
let seq = 0;
const change = () => {
  seq += 1;
  state.seq = seq;
  state.resources.push({ id: 'sg-' + seq, kind: 'SecurityGroup', dependsOn: [], spec: { ingress: [] }, state: 'ACTIVE', generation: 1 });
  const mine = seq;
  return store.save(state).then(() => process.stdout.write(mine + '\\n'));
};
const burst = () => Promise.all(Array.from({ length: 8 }, change)).then(burst);
burst();
`;

describe('FileStore group commit', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-group-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('commits a burst of concurrent saves in a few writes, each change on disk when its save resolves', async () => {
    const store = new FileStore(dir);
    const state = emptyState();
    const missing: string[] = [];
    const saves = Array.from({ length: 50 }, (_, i) => {
      const id = `sg-${i}`;
      state.resources.push(sg(id));
      return store.save(state).then(() => {
        if (!idsOnDisk(store.file).includes(id)) missing.push(id);
      });
    });
    await Promise.all(saves);
    expect(missing).to.deep.equal([]);
    expect(store.writes).to.be.at.least(1).and.below(50);
    expect(idsOnDisk(store.file)).to.have.length(50);
  });

  it('writes a change saved while a write is in flight in the next write', async () => {
    const store = new FileStore(dir);
    const state = emptyState();
    state.resources.push(sg('first'));
    const first = store.save(state);
    await new Promise((done) => setImmediate(done));
    state.resources.push(sg('second'));
    const second = store.save(state).then(() => idsOnDisk(store.file));
    await first;
    expect(await second).to.deep.equal(['first', 'second']);
    expect(store.writes).to.equal(2);
  });

  it('rejects every save of a failed write, and a later save writes again', async () => {
    const store = new FileStore(join(dir, 'missing-dir'));
    const state = emptyState();
    const results = await Promise.allSettled([store.save(state), store.save(state), store.save(state)]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
    const good = new FileStore(dir);
    await good.save(state);
    expect(await good.load()).to.deep.equal(state);
  });

  it('leaves a loadable state holding every acknowledged change when the process is killed mid-burst', async function () {
    this.timeout(30_000);
    for (const afterAcks of [1, 40, 200]) {
      const stateDir = await mkdtemp(join(dir, 'crash-'));
      const child = spawn(process.execPath, ['-e', WRITER, stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let acknowledged = 0;
      try {
        await new Promise<void>((done, fail) => {
          child.once('exit', (code) => fail(new Error(`writer exited early (${code})`)));
          let buffered = '';
          child.stdout.on('data', (chunk: Buffer) => {
            buffered += chunk.toString();
            const lines = buffered.split('\n');
            buffered = lines.pop() ?? '';
            for (const line of lines) acknowledged = Math.max(acknowledged, Number(line));
            if (acknowledged >= afterAcks) done();
          });
        });
      } finally {
        child.kill('SIGKILL');
      }
      await new Promise((done) =>
        child.exitCode === null && child.signalCode === null ? child.once('exit', done) : done(undefined),
      );
      const loaded = await new FileStore(stateDir).load();
      expect(loaded.seq, `killed after ${afterAcks} acknowledgements`).to.be.at.least(acknowledged);
      expect(loaded.resources).to.have.length(loaded.seq);
      expect((await readdir(stateDir)).filter((name) => name === 'state.json')).to.have.length(1);
    }
  });
});
