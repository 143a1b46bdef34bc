import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { readOrCreateHexKey, readOrCreateSecret } from '../../../runtime/store/secrets';
import { ALBKIT_BIN } from '../../helpers/agent';

describe('Secrets in the state directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-secret-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a 0600 file with a random hex secret once, then reads the same secret back', async () => {
    const file = join(dir, 'token');
    const first = await readOrCreateSecret(file);
    expect(first).to.match(/^[0-9a-f]{64}$/);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    expect(await readOrCreateSecret(file)).to.equal(first);
    expect(await readOrCreateSecret(join(dir, 'other'))).to.not.equal(first);
  });

  it('creates a 32-byte key file and reads the same key back', async () => {
    const file = join(dir, 'cookie-secret');
    const key = await readOrCreateHexKey(file);
    expect(key).to.have.length(32);
    expect((await readOrCreateHexKey(file)).equals(key)).to.equal(true);
  });

  for (const [name, text, detail] of [
    ['text that is not hex', 'correct horse battery staple\n', /is not hex/],
    ['hex followed by other text', `${'ab'.repeat(32)}zz\n`, /is not hex/],
    ['an odd number of hex digits', `${'a'.repeat(63)}\n`, /is not hex/],
    ['a key too short to sign with', 'abcd\n', /holds 2 bytes; at least 16/],
  ] as const) {
    it(`refuses a key file holding ${name}, naming the file`, async () => {
      const file = join(dir, 'cookie-secret');
      await writeFile(file, text);
      const error = await readOrCreateHexKey(file).catch((caught: Error) => caught);
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message)
        .to.contain(`key file ${file}`)
        .and.match(detail);
    });
  }

  it('makes albkit agent refuse to start on a cookie secret that is not hex, naming the file', async () => {
    const file = join(dir, 'cookie-secret');
    await writeFile(file, 'not a hex key\n');
    const run = spawnSync(process.execPath, [ALBKIT_BIN, 'agent', '--state-dir', dir, '--control', '127.0.0.1:0'], {
      encoding: 'utf8',
      env: { ...process.env, ALBKIT_LOG_LEVEL: 'silent' },
      timeout: 15_000,
    });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.contain(`key file ${file} is not hex`);
    expect(run.stdout).to.not.contain('listening');
  });
});
