import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FileStore, StateFileError } from '../../../runtime/store/file-store';
import { emptyState, type AgentState } from '../../../runtime/store/state';
import { ALBKIT_BIN } from '../../helpers/agent';

const sg = (id: string, generation = 1): AgentState['resources'][number] => ({
  id,
  kind: 'SecurityGroup',
  dependsOn: [],
  spec: { ingress: [{ cidr: '0.0.0.0/0', protocol: 'ALL', fromPort: 1, toPort: 65535 }] },
  state: 'ACTIVE',
  generation,
});

describe('FileStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts empty when there is no state file', async () => {
    expect(await new FileStore(dir).load()).to.deep.equal(emptyState());
  });

  it('reads back what it saved, mode 0600, with no temporary file left behind', async () => {
    const store = new FileStore(dir);
    const state: AgentState = {
      ...emptyState(),
      resources: [sg('a')],
      seq: 1,
      operations: [{ seq: 1, time: new Date(0).toISOString(), op: 'create', id: 'a', kind: 'SecurityGroup' }],
    };
    await store.save(state);
    expect(await new FileStore(dir).load()).to.deep.equal(state);
    expect((await stat(store.file)).mode & 0o777).to.equal(0o600);
    expect(await readdir(dir)).to.deep.equal(['state.json']);
  });

  it('serializes concurrent saves: the file always parses and ends with the last snapshot', async () => {
    const store = new FileStore(dir);
    const state = emptyState();
    const writes: Promise<void>[] = [];
    let torn = 0;
    for (let i = 1; i <= 60; i++) {
      state.resources = [sg(`sg-${i}`, i)];
      state.seq = i;
      writes.push(store.save(state));
      if (i % 10 === 0) {
        await writes[writes.length - 1];
        torn += await store.load().then(
          () => 0,
          () => 1,
        );
      }
    }
    await Promise.all(writes);
    const loaded = await store.load();
    expect(torn).to.equal(0);
    expect(loaded.seq).to.equal(60);
    expect(loaded.resources[0]?.id).to.equal('sg-60');
  });

  for (const [name, text, detail] of [
    ['text that is not JSON', '{"version": 1, "resources": [', /not valid JSON/],
    ['an unknown version', '{"version": 2, "resources": [], "operations": [], "seq": 0}', /version/],
    [
      'a resource of an unknown kind',
      JSON.stringify({ ...emptyState(), resources: [{ ...sg('a'), kind: 'Widget' }] }),
      /kind/,
    ],
    [
      'a resource whose spec is invalid',
      JSON.stringify({ ...emptyState(), resources: [{ ...sg('a'), spec: { ingress: 'all' } }] }),
      /resources are invalid: a: ingress/,
    ],
  ] as const) {
    it(`refuses ${name}, naming the file, and leaves it untouched`, async () => {
      const store = new FileStore(dir);
      await writeFile(store.file, text);
      let error: unknown;
      try {
        await store.load();
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(StateFileError);
      expect((error as Error).message)
        .to.contain(store.file)
        .and.match(detail);
      expect(await readFile(store.file, 'utf8')).to.equal(text);
    });
  }

  it('makes albkit agent refuse to start on a corrupt state file, which it leaves untouched', async () => {
    const file = join(dir, 'state.json');
    const text = '{"version": 1, "resources": [{"id": "half-writt';
    await writeFile(file, text);
    const run = spawnSync(process.execPath, [ALBKIT_BIN, 'agent', '--state-dir', dir, '--control', '127.0.0.1:0'], {
      encoding: 'utf8',
      env: { ...process.env, ALBKIT_LOG_LEVEL: 'silent' },
      timeout: 15_000,
    });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.contain(`state file ${file} is unusable: not valid JSON`);
    expect(run.stdout).to.not.contain('listening');
    expect(await readFile(file, 'utf8')).to.equal(text);
  });
});
