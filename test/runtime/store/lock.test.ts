import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { lockStateDir, StateDirLockedError } from '../../../runtime/store/lock';
import { ALBKIT_BIN, startAgent } from '../../helpers/agent';

describe('State directory lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a directory locked by a running process, naming its pid', async () => {
    const other = spawn('sleep', ['30']);
    try {
      await writeFile(join(dir, 'agent.pid'), `${other.pid}\n`);
      const error = await lockStateDir(dir).catch((caught: Error) => caught);
      expect(error).to.be.instanceOf(StateDirLockedError);
      expect((error as Error).message).to.contain(`pid ${other.pid}`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a process that is gone, and releases it', async () => {
    const gone = spawnSync('true');
    await writeFile(join(dir, 'agent.pid'), `${gone.pid}\n`);
    const release = await lockStateDir(dir);
    expect((await readFile(join(dir, 'agent.pid'), 'utf8')).trim()).to.equal(String(process.pid));
    await release();
    expect(await readFile(join(dir, 'agent.pid'), 'utf8').catch(() => 'released')).to.equal('released');
  });

  it('keeps a second albkit agent off a state directory in use', async () => {
    const agent = await startAgent();
    try {
      const run = spawnSync(process.execPath, [ALBKIT_BIN, 'agent', '--state-dir', agent.stateDir, '--control', '127.0.0.1:0'], {
        encoding: 'utf8',
        env: { ...process.env, ALBKIT_LOG_LEVEL: 'silent' },
        timeout: 15_000,
      });
      expect(run.status).to.equal(1);
      expect(run.stderr).to.contain(`is in use by the agent with pid ${agent.pid}`);
      expect((await agent.call('GET', '/v1/listeners')).status).to.equal(200);
    } finally {
      await agent.stop();
    }
  });
});
