import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startHttpBackend, type DemoBackend } from '../../examples/quickstart/demo-backend';
import { ALBKIT_BIN, call, freePort, startAgent } from '../helpers/agent';
import { shopManifest } from '../runtime/api/fixture';
import { writeManifest } from '../runtime/deploy/quickstart';

function waitFor(child: ChildProcess, text: () => string, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${text()}`)), timeoutMs);
    const check = (): void => {
      if (!pattern.test(text())) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve();
    };
    child.stdout?.on('data', check);
    check();
  });
}

describe('Agent lifecycle', () => {
  it('refuses to boot from an invalid manifest, before binding or storing anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'albkit-boot-'));
    try {
      const manifest = shopManifest({ listenerPort: await freePort(), backendPort: await freePort() });
      (manifest.resources[4] as { spec: { port: number } }).spec.port = 0;
      const file = await writeManifest(dir, 'bad.json', manifest);
      const run = spawnSync(
        process.execPath,
        [ALBKIT_BIN, 'agent', '--state-dir', join(dir, 'state'), '--control', '127.0.0.1:0', '--manifest', file],
        {
          encoding: 'utf8',
          env: { ...process.env, ALBKIT_LOG_LEVEL: 'silent' },
          timeout: 15_000,
        },
      );
      expect(run.status).to.equal(1);
      expect(run.stderr).to.contain('shop/http: port:');
      expect(run.stdout).to.equal('');
      expect(existsSync(join(dir, 'state'))).to.equal(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('SIGTERM', () => {
    let slow: Server;
    let port: number;
    before(async () => {
      slow = createServer((request, response) => {
        if (request.url === '/healthz') return void response.end();
        setTimeout(() => response.end('slow answer\n'), 800);
      });
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      port = (slow.address() as { port: number }).port;
    });
    after(async () => {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    });

    it('stops accepting, lets an in-flight request finish, then exits 0', async () => {
      const listenerPort = await freePort();
      const url = `http://127.0.0.1:${listenerPort}`;
      const agent = await startAgent({
        manifest: shopManifest({ listenerPort, backendPort: port }),
        args: ['--drain-ms', '5000'],
      });
      try {
        const deadline = Date.now() + 10_000;
        while (
          (await fetch(`${url}/healthz`).then(
            (r) => r.status,
            () => 0,
          )) !== 200 &&
          Date.now() < deadline
        ) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const inFlight = fetch(`${url}/slow`).then(async (r) => ({ status: r.status, body: await r.text() }));
        await new Promise((resolve) => setTimeout(resolve, 200));
        const code = agent.stop();
        await new Promise((resolve) => setTimeout(resolve, 200));
        const late = await fetch(`${url}/late`).then(
          (r) => `answered ${r.status}`,
          (e: Error & { cause?: { code?: string } }) => e.cause?.code,
        );
        expect(late).to.equal('ECONNREFUSED');
        expect(await inFlight).to.deep.equal({ status: 200, body: 'slow answer\n' });
        expect(await code).to.equal(0);
      } finally {
        await agent.stop();
      }
    });
  });

  describe('albkit up', () => {
    let dir: string;
    let backend: DemoBackend;
    let child: ChildProcess | undefined;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'albkit-up-'));
      backend = await startHttpBackend(0, '127.0.0.1', 'up-backend');
    });
    after(async () => {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('runs an agent, deploys the app to it as the given stack, serves it, and stops cleanly on SIGINT', async () => {
      const listenerPort = await freePort();
      const file = await writeManifest(dir, 'app.json', shopManifest({ listenerPort, backendPort: backend.port }));
      child = spawn(
        process.execPath,
        [ALBKIT_BIN, 'up', file, '--state-dir', join(dir, 'state'), '--control', '127.0.0.1:0', '--stack', 'demo'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, ALBKIT_LOG_LEVEL: 'warn' },
        },
      );
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
      await waitFor(child, () => output, /Ctrl-C to stop/);
      expect(output).to.match(/albkit agent listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(output).to.contain('plan: 5 to create').and.contain(`http://127.0.0.1:${listenerPort}  (shop/http)`);
      const deadline = Date.now() + 10_000;
      let body = '';
      while (body !== 'up-backend\n' && Date.now() < deadline) {
        body = await fetch(`http://127.0.0.1:${listenerPort}/`).then(
          (r) => (r.status === 200 ? r.text() : ''),
          () => '',
        );
        if (body !== 'up-backend\n') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(body).to.equal('up-backend\n');
      const endpoint = (/albkit agent listening on (\S+)/.exec(output) as RegExpExecArray)[1] as string;
      const token = (await readFile(join(dir, 'state', 'token'), 'utf8')).trim();
      const stack = await call<{ resources: unknown[] }>(endpoint, 'GET', '/v1/manifest?stack=demo', undefined, token);
      expect(stack.body.resources).to.have.length(5);
      child.kill('SIGINT');
      expect(await exited).to.equal(0);
    });

    it('exits 1 naming the listener when the deploy fails', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      try {
        const file = await writeManifest(
          dir,
          'busy.json',
          shopManifest({ listenerPort: (blocker.address() as { port: number }).port, backendPort: backend.port }),
        );
        const run = spawn(
          process.execPath,
          [ALBKIT_BIN, 'up', file, '--state-dir', join(dir, 'busy'), '--control', '127.0.0.1:0'],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, ALBKIT_LOG_LEVEL: 'silent' },
          },
        );
        let stderr = '';
        run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const code = await new Promise((resolve) => run.once('close', resolve));
        expect(code).to.equal(1);
        expect(stderr).to.match(/Listener shop\/http: FAILED: .*(EADDRINUSE|in use)/i);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });
  });
});
