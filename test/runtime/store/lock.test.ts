import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { lockStateDir, StateDirLockedError } from '../../../runtime/store/lock';
import { ALBKIT_BIN, startAgent } from '../../helpers/agent';

const HOLDER = join(__dirname, 'lock-holder.js');

interface Holder {
  child: ChildProcess;
  /** `locked`, `refused`, or how the process ended before it said either. */
  outcome: Promise<string>;
  /** Closes its stdin (it releases the lock and exits), then waits for the exit. */
  release(): Promise<void>;
}

/** Starts a process that tries to take the lock of `dir` (see lock-holder.ts). */
function startHolder(dir: string): Holder {
  const child = spawn(process.execPath, [HOLDER, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  // 'close', not 'exit': the process can exit before its last stdout chunk was read from the pipe.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let output = '';
  const outcome = new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.startsWith('locked\n')) resolve('locked');
      else if (output.startsWith('refused ') && output.endsWith('\n')) resolve('refused');
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => resolve(`exited ${child.exitCode ?? child.signalCode}: ${output}`));
  });
  return {
    child,
    outcome,
    async release() {
      child.stdin.end();
      await exited;
    },
  };
}

/** True while some process holds a flock on `file` (asked with flock(1), which never waits here). */
function lockedByAnyone(file: string): boolean {
  return spawnSync('flock', ['--exclusive', '--nonblock', '--conflict-exit-code', '75', file, 'true']).status === 75;
}

describe('State directory lock', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a directory locked by a running process, naming its pid', async () => {
    const holder = startHolder(dir);
    try {
      expect(await holder.outcome).to.equal('locked');
      const error = await lockStateDir(dir).catch((caught: Error) => caught);
      expect(error).to.be.instanceOf(StateDirLockedError);
      expect((error as Error).message).to.contain(`is in use by the agent with pid ${holder.child.pid}`);
    } finally {
      await holder.release();
    }
  });

  it('takes over a pid file left by a process that is gone, and releases it', async () => {
    const gone = spawnSync('true');
    await writeFile(join(dir, 'agent.pid'), `${gone.pid}\n`);
    const release = await lockStateDir(dir);
    expect((await readFile(join(dir, 'agent.pid'), 'utf8')).trim()).to.equal(String(process.pid));
    await release();
    const again = await lockStateDir(dir);
    await again();
  });

  it('takes over a pid file naming a live process that holds no lock (a reused pid)', async () => {
    const unrelated = spawn('sleep', ['30']);
    try {
      await writeFile(join(dir, 'agent.pid'), `${unrelated.pid}\n`);
      const release = await lockStateDir(dir);
      await release();
    } finally {
      unrelated.kill('SIGKILL');
    }
  });

  it('holds the kernel lock after flock(1) exited, exactly until it is released', async () => {
    const file = join(dir, 'agent.pid');
    const release = await lockStateDir(dir);
    expect(lockedByAnyone(file)).to.equal(true);
    await release();
    expect(lockedByAnyone(file)).to.equal(false);
  });

  it('is free again as soon as its holder is killed with SIGKILL', async () => {
    const holder = startHolder(dir);
    expect(await holder.outcome).to.equal('locked');
    holder.child.kill('SIGKILL');
    await holder.release();
    const release = await lockStateDir(dir);
    await release();
  });

  it('gives a stale lock to exactly one of 40 processes starting at once, every time', async () => {
    for (let round = 0; round < 3; round++) {
      await writeFile(join(dir, 'agent.pid'), `${spawnSync('true').pid}\n`);
      const holders = Array.from({ length: 40 }, () => startHolder(dir));
      try {
        const outcomes = await Promise.all(holders.map((holder) => holder.outcome));
        const unexpected = outcomes.filter((outcome) => outcome !== 'locked' && outcome !== 'refused');
        expect(unexpected, `round ${round}`).to.deep.equal([]);
        expect(
          outcomes.filter((outcome) => outcome === 'locked'),
          `round ${round}`,
        ).to.have.length(1);
      } finally {
        await Promise.all(holders.map((holder) => holder.release()));
      }
    }
  });

  it('keeps a second albkit agent off a state directory in use', async () => {
    const agent = await startAgent();
    try {
      const run = spawnSync(
        process.execPath,
        [ALBKIT_BIN, 'agent', '--state-dir', agent.stateDir, '--control', '127.0.0.1:0'],
        {
          encoding: 'utf8',
          env: { ...process.env, ALBKIT_LOG_LEVEL: 'silent' },
          timeout: 15_000,
        },
      );
      expect(run.status).to.equal(1);
      expect(run.stderr).to.contain(`is in use by the agent with pid ${agent.pid}`);
      expect((await agent.call('GET', '/v1/listeners')).status).to.equal(200);
    } finally {
      await agent.stop();
    }
  });
});
