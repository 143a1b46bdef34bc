import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from '../../bench/lock';

describe('bench lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'albkit-bench-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds this run’s PID and is gone once released', async () => {
    const file = join(dir, 'bench.lock');
    const release = await acquireLock(file, () => undefined);
    expect(readFileSync(file, 'utf8').trim()).to.equal(String(process.pid));
    release();
    expect(existsSync(file)).to.equal(false);
  });

  it('takes over the lock of a run that is gone', async () => {
    const file = join(dir, 'bench.lock');
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(file, `${gone.pid}\n`);
    const release = await acquireLock(file, () => undefined);
    expect(readFileSync(file, 'utf8').trim()).to.equal(String(process.pid));
    release();
  });

  it('waits for a live run, and gives up after the time allowed, naming it', async () => {
    const file = join(dir, 'bench.lock');
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(file, `${holder.pid}\n`);
      const lines: string[] = [];
      await acquireLock(file, (line) => lines.push(line), 100).then(
        () => expect.fail('the lock is held'),
        (error: Error) => expect(error.message).to.include(`another bench run (PID ${holder.pid}) still holds`),
      );
      expect(lines).to.deep.equal([`another bench run (PID ${holder.pid}) is running; waiting for it to finish`]);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
