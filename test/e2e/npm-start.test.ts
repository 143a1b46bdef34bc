/**
 * `npm start` stops on a signal sent to npm itself (not only on a terminal's Ctrl-C, which reaches every
 * process of the group): nothing stands between npm and the quickstart's node process to swallow it.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { waitFor } from '../helpers/wait';
import { alive, refused } from '../helpers/process';
import { startQuickstart } from '../helpers/quickstart';

describe('npm start', function () {
  this.timeout(300_000);
  let stateDir: string;
  let npm: ChildProcess | undefined;
  let agentPid: number | undefined;

  before(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'albkit-npm-start-'));
  });
  after(() => {
    for (const pid of [agentPid, npm?.pid]) if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops the quickstart, agent and demo backends, on ${signal} to npm`, async () => {
      const quickstart = await startQuickstart(stateDir);
      ({ npm, agentPid } = quickstart);
      quickstart.npm.kill(signal);
      await waitFor(() => !alive(agentPid!), 30_000, `the agent (pid ${agentPid}) to stop after ${signal} to npm`);
      await quickstart.exited;
      // A clean stop empties the lock file as it releases the kernel lock; a killed agent leaves its pid there.
      expect(
        existsSync(join(stateDir, 'agent.pid')) ? readFileSync(join(stateDir, 'agent.pid'), 'utf8') : '',
        'the lock file after the stop',
      ).to.equal('');
      for (const port of [8080, 9001, 9002, 9003]) expect(await refused(port), `port ${port} closed`).to.equal(true);
    });
  }
});
