/**
 * `albkit deploy`/`destroy` as a user runs them from their own directory: the agent found from its state
 * directory, the listeners' URLs at the end, a wrong token or a server that is not an agent named plainly,
 * and `destroy --stack` without the app.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Manifest } from '../../lib';
import { ALBKIT_BIN, startAgent, type TestAgent } from '../helpers/agent';
import { quickstartManifest, writeManifest } from '../runtime/deploy/quickstart';

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `albkit <args>` in `cwd` with only `env` added to a clean environment (no ALBKIT_* of the runner's). */
function albkitIn(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Outcome> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ALBKIT_')));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ALBKIT_BIN, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...clean, ALBKIT_LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("albkit deploy from the user's own directory", function () {
  this.timeout(120_000);
  let agent: TestAgent;
  let home: string;
  let manifest: Manifest;
  let file: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'albkit-user-'));
    manifest = await quickstartManifest();
    file = await writeManifest(home, 'app.json', manifest);
    agent = await startAgent();
  });
  after(async () => {
    await agent?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it("finds the agent's endpoint and token from --state-dir, and prints each listener's URL at the end", async () => {
    const deployed = await albkitIn(home, ['deploy', file, '--stack', 'web', '--state-dir', agent.stateDir]);
    expect(deployed.code, deployed.stderr).to.equal(0);
    const http = manifest.resources.find((r) => r.id === 'web/http');
    const port = http?.kind === 'Listener' ? http.spec.port : 0;
    expect(deployed.stdout).to.contain(`listening:\n  http://127.0.0.1:${port}  (web/http)\n  tcp://127.0.0.1:`);
  });

  it('says which variable or file the token came from when the agent refuses it', async () => {
    const fromEnv = await albkitIn(home, ['deploy', file, '--stack', 'web', '--endpoint', agent.endpoint], {
      ALBKIT_TOKEN: 'not-the-token',
    });
    expect(fromEnv.code).to.equal(1);
    expect(fromEnv.stderr).to.match(/missing or wrong bearer token.* \(the token came from ALBKIT_TOKEN\)\n$/);
    const noToken = await albkitIn(home, ['deploy', file, '--endpoint', agent.endpoint]);
    expect(noToken.code).to.equal(2);
    expect(noToken.stderr).to.contain('set ALBKIT_TOKEN to the token itself, or give --state-dir');
  });

  it('names an endpoint that is not an albkit agent, with what it answered', async () => {
    const server: Server = createServer((_request, response) =>
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const { code, stderr } = await albkitIn(home, ['deploy', file, '--endpoint', `http://127.0.0.1:${port}`], {
        ALBKIT_TOKEN: 'x',
      });
      expect(code).to.equal(1);
      expect(stderr).to.match(
        new RegExp(
          `^albkit deploy: http://127\\.0\\.0\\.1:${port} is not an albkit agent \\(GET /v1/[a-z-]+ answered 404 <h1>Not Found</h1>\\)\\n$`,
        ),
      );
    } finally {
      server.close();
    }
  });

  it('destroys a stack named by --stack alone, and wants the app or a stack', async () => {
    const bare = await albkitIn(home, ['destroy', '--state-dir', agent.stateDir]);
    expect(bare.code).to.equal(2);
    expect(bare.stderr).to.contain('give the app or manifest, or --stack <name>');
    const destroyed = await albkitIn(home, ['destroy', '--stack', 'web', '--state-dir', agent.stateDir]);
    expect(destroyed.code, destroyed.stderr).to.equal(0);
    expect(destroyed.stdout).to.contain('0 to create, 0 to update, 0 to replace, 9 to delete');
    expect((await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest')).body.resources).to.deep.equal([]);
  });
});
