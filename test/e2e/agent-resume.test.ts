import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createWaves, type Manifest } from '../../lib';
import { ALBKIT_BIN, startAgent, type TestAgent } from '../helpers/agent';
import { quickstartManifest, runCli, writeManifest } from '../runtime/deploy/quickstart';

/**
 * A pass-through HTTP proxy in front of the agent that holds (never answers) the first PUT for which
 * `hold(path)` is true, and reports it: a deterministic point at which to kill the deploy.
 */
async function holdingProxy(
  endpoint: string,
  hold: (path: string) => boolean,
): Promise<{ url: string; held: Promise<string>; close(): Promise<void> }> {
  let report: (path: string) => void = () => undefined;
  const held = new Promise<string>((resolve) => (report = resolve));
  const parked: ServerResponse[] = [];
  const forward = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = request.url ?? '/';
    if (request.method === 'PUT' && hold(path)) {
      parked.push(response);
      report(path);
      return;
    }
    const upstream = await fetch(`${endpoint}${path}`, {
      method: request.method,
      headers: { authorization: request.headers.authorization ?? '', 'content-type': 'application/json' },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    response.writeHead(upstream.status, { 'content-type': 'application/json' });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  };
  // Node's server ignores what the listener returns; a failed forward surfaces as an unhandled rejection.
  const server: Server = createServer((request, response) => void forward(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    held,
    close: () =>
      new Promise((resolve) => {
        for (const response of parked) response.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('Interrupted deploy', () => {
  let agent: TestAgent;
  let dir: string;
  let manifest: Manifest;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-resume-'));
    manifest = await quickstartManifest();
    agent = await startAgent();
  });
  after(async () => {
    await agent?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('killed after its first wave, finishes when run again, nothing duplicated', async () => {
    const file = await writeManifest(dir, 'quickstart.json', manifest);
    const waves = createWaves(manifest.resources);
    // Hold the first request of the second wave (the load balancer), then kill the deploy.
    const proxy = await holdingProxy(agent.endpoint, (path) => path.startsWith('/v1/load-balancers/'));
    const tokenFile = join(agent.stateDir, 'token');
    const child = spawn(
      process.execPath,
      [ALBKIT_BIN, 'deploy', file, '--endpoint', proxy.url, '--token-file', tokenFile, '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await proxy.held;
      child.kill('SIGKILL');
      await exited;
    } finally {
      await proxy.close();
    }

    const afterKill = (await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations')).body.items;
    expect(afterKill.map((o) => o.id).sort()).to.deep.equal([...(waves[0] as string[])].sort());

    const resumed = await runCli(['deploy', file, '--endpoint', agent.endpoint, '--token-file', tokenFile]);
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.stdout).to.contain(`plan: ${manifest.resources.length - (waves[0] as string[]).length} to create`);

    const ops = (await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations')).body.items;
    expect(ops.every((o) => o.op === 'create')).to.equal(true);
    expect(ops.map((o) => o.id).sort()).to.deep.equal(manifest.resources.map((r) => r.id).sort());

    const again = await runCli(['deploy', file, '--endpoint', agent.endpoint, '--token-file', tokenFile]);
    expect(again.stdout).to.match(/^no changes\nlistening:\n/);
  });
});
