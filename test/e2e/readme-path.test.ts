/**
 * The README's path for a new user, run as written in a fresh project: install albkit (the tarball `npm pack`
 * makes of this checkout, as the README says to use from a checkout), validate, graph, synth and plan the
 * README's app, start `npx albkit agent` in the foreground of a terminal, deploy from the same directory,
 * reach the listener, destroy — and SIGTERM to the `npx` wrapper stops the agent behind it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { sleep, waitFor } from '../helpers/wait';
import { alive } from '../helpers/process';

const ROOT = join(__dirname, '..', '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The `sh` blocks of the README's section `heading`, each as its command lines (comments and blank lines dropped). */
function shBlocks(heading: string): string[][] {
  const section = README.slice(README.indexOf(`## ${heading}`)).split(/\n## /)[0]!;
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) =>
    match[1]!
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line !== ''),
  );
}

/** Runs one command line with sh in `cwd`; fails the test with its output when it exits non-zero. */
function run(line: string, cwd: string): string {
  const result = spawnSync('sh', ['-c', line], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, npm_config_yes: 'false', NO_COLOR: '1' },
  });
  expect(result.status, `${line}\n${result.stdout}\n${result.stderr}`).to.equal(0);
  return result.stdout;
}

/** The pids of a process's children (Linux /proc). */
function childrenOf(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

describe("the README's path from install to a deployed app of one's own", function () {
  this.timeout(600_000);
  const [setup, offline, agentBlock, deployBlock] = shBlocks('Your own load balancer');
  let base: string;
  let project: string;
  let terminal: ChildProcess | undefined;
  let agentPid: number | undefined;

  before(function () {
    base = mkdtempSync(join(tmpdir(), 'albkit-readme-'));
    const pack = spawnSync('npm', ['pack', '--pack-destination', base], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(pack.status, pack.stderr).to.equal(0);
    const tarball = join(base, pack.stdout.trim().split('\n').pop()!);
    for (const line of setup!) {
      // `npm install albkit` from a checkout: the README says to install the tarball npm pack made.
      const command =
        line === 'npm install albkit' ? `npm install ${tarball} --prefer-offline --no-audit --no-fund` : line;
      const cd = /^mkdir (\S+) && cd \1 && (.*)$/.exec(command);
      if (cd) {
        project = join(base, cd[1]!);
        mkdirSync(project);
        run(cd[2]!, project);
      } else {
        run(command, project);
      }
    }
    const app = /Save this as `app\.ts`[\s\S]*?```ts\n([\s\S]*?)```/.exec(README)?.[1];
    expect(app).to.equal(readFileSync(join(ROOT, 'examples', 'basic', 'app.ts'), 'utf8'));
    spawnSync('cp', [join(ROOT, 'examples', 'basic', 'app.ts'), join(project, 'app.ts')]);
  });

  after(async () => {
    for (const pid of [agentPid, terminal?.pid]) if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
    await sleep(100);
    rmSync(base, { recursive: true, force: true });
  });

  it('installs albkit so that npx albkit runs in the project', () => {
    expect(run('npx albkit --version', project).trim()).to.equal(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it('validates, graphs, synthesizes and plans the app with the commands as written', () => {
    expect(offline).to.have.length(4);
    const outputs = offline!.map((line) => run(line, project));
    expect(outputs[0]).to.match(/^valid: 5 resources/);
    expect(outputs[3]).to.include('no changes');
  });

  it('starts npx albkit agent in a terminal, deploys from the same directory and reaches the listener', async () => {
    expect(agentBlock).to.deep.equal(['npx albkit agent']);
    // A terminal: script(1) gives the agent a pty, as a user's terminal would; its shell stays after the command.
    terminal = spawn('script', ['-qfec', `${agentBlock![0]}; sleep 600`, '/dev/null'], {
      cwd: project,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SHELL: '/bin/sh', npm_config_yes: 'false' },
    });
    const pidFile = join(project, '.albkit', 'agent.pid');
    await waitFor(
      () => existsSync(join(project, '.albkit', 'endpoint')) && existsSync(pidFile),
      60_000,
      'the agent to write .albkit/endpoint',
    );
    agentPid = Number(readFileSync(pidFile, 'utf8'));
    const [deploy, curl, destroy] = deployBlock!;
    expect(run(deploy!, project)).to.include('listening:\n  http://127.0.0.1:8000  (web/http)\n');
    expect(curl).to.equal('curl 127.0.0.1:8000/');
    // Run as written. No demo backends run here: the load balancer itself answers, 502 while the servers still
    // count as healthy (they start so), 503 once their health checks have failed.
    expect(run(curl!, project)).to.match(/^(502 Bad Gateway|503 Service Unavailable: no healthy server)\n$/);
    expect(run(destroy!, project)).to.include('5 to delete');
  });

  it('stops the agent (cleanly, releasing its state directory) when the npx wrapper in front of it gets SIGTERM', async () => {
    const [shell] = childrenOf(terminal!.pid!);
    const npx = childrenOf(shell!)[0];
    expect(npx, 'the npx process under the terminal').to.be.a('number');
    process.kill(npx!, 'SIGTERM');
    await waitFor(
      () => !alive(agentPid!),
      30_000,
      `the agent (pid ${agentPid}) to exit after its npx wrapper got SIGTERM`,
    );
    // A clean stop empties the lock file as it releases the kernel lock; a killed agent leaves its pid there.
    expect(
      existsSync(join(project, '.albkit', 'agent.pid'))
        ? readFileSync(join(project, '.albkit', 'agent.pid'), 'utf8')
        : '',
      'the lock file after the stop',
    ).to.equal('');
  });
});
