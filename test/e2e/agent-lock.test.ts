import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startAgent, type TestAgent } from '../helpers/agent';

describe('Agent state directory lock', function () {
  this.timeout(180_000);
  let stateDir: string;
  const running: TestAgent[] = [];

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'albkit-agent-lock-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((agent) => agent.stop()));
    await rm(stateDir, { recursive: true, force: true });
  });

  it('runs exactly one of 40 agents started at once on a state directory with a stale lock', async () => {
    await writeFile(join(stateDir, 'agent.pid'), `${spawnSync('true').pid}\n`);
    const starts = await Promise.allSettled(
      Array.from({ length: 40 }, () => startAgent({ stateDir, timeoutMs: 150_000 })),
    );
    for (const start of starts) if (start.status === 'fulfilled') running.push(start.value);
    const refusals = starts.flatMap((start) => (start.status === 'rejected' ? [(start.reason as Error).message] : []));
    expect(refusals.filter((message) => !message.includes(`state directory ${stateDir} is in use by`))).to.deep.equal(
      [],
    );
    expect(running).to.have.length(1);
    expect((await running[0]!.call('GET', '/v1/listeners')).status).to.equal(200);
  });

  it('starts again 0.2 s after the agent holding the lock was killed with SIGKILL', async () => {
    const first = await startAgent({ stateDir });
    await first.kill9();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await startAgent({ stateDir });
    running.push(second);
    expect((await second.call('GET', '/v1/listeners')).status).to.equal(200);
  });
});
