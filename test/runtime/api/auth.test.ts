import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ALBKIT_BIN, startAgent, type TestAgent } from '../../helpers/agent';

describe('Control API authentication', () => {
  let agent: TestAgent;
  before(async () => {
    agent = await startAgent();
  });
  after(async () => {
    await agent?.stop();
  });

  it('creates the token file with mode 0600 and a random token', async () => {
    const info = await stat(join(agent.stateDir, 'token'));
    expect(info.mode & 0o777).to.equal(0o600);
    expect(agent.token).to.match(/^[0-9a-f]{64}$/);
  });

  it('keeps the session cookie secret in a 0600 file', async () => {
    expect((await stat(join(agent.stateDir, 'cookie-secret'))).mode & 0o777).to.equal(0o600);
  });

  it('accepts the right token', async () => {
    expect((await agent.call('GET', '/v1/listeners')).status).to.equal(200);
  });

  for (const [name, token] of [
    ['no token', null],
    ['a wrong token of the same length', 'f'.repeat(64)],
    ['a token of a different length', 'short'],
    ['a token one character longer', `${'a'.repeat(64)}0`],
  ] as const) {
    it(`refuses ${name} with 401 UNAUTHORIZED on every route`, async () => {
      for (const [method, path] of [
        ['GET', '/v1/listeners'],
        ['PUT', '/v1/security-groups/sg'],
        ['DELETE', '/v1/load-balancers/x'],
        ['GET', '/v1/manifest'],
        ['GET', '/metrics'],
        ['GET', '/v1/openapi.json'],
      ] as const) {
        const response = await agent.call<{ error: { code: string } }>(
          method,
          path,
          method === 'PUT' ? { spec: {} } : undefined,
          token,
        );
        expect(response.status, `${method} ${path}`).to.equal(401);
        expect(response.body.error.code).to.equal('UNAUTHORIZED');
        expect(response.headers.get('www-authenticate')).to.match(/^Bearer/);
      }
    });
  }

  it('refuses a token sent with another scheme', async () => {
    const response = await fetch(`${agent.endpoint}/v1/listeners`, {
      headers: { authorization: `Basic ${agent.token}` },
    });
    expect(response.status).to.equal(401);
  });

  it('changes nothing on a refused request', async () => {
    await agent.call('PUT', '/v1/security-groups/sneaky', { spec: {} }, 'wrong');
    expect((await agent.call('GET', '/v1/security-groups/sneaky')).status).to.equal(404);
  });

  it('serves /healthz without a token', async () => {
    const response = await agent.call<{ status: string }>('GET', '/healthz', undefined, null);
    expect(response.status).to.equal(200);
    expect(response.body.status).to.equal('ok');
  });
});

describe('albkit agent --token-file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-token-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses the given token instead of creating one', async () => {
    const file = join(dir, 'token');
    await writeFile(file, 'my-own-token-123\n', { mode: 0o600 });
    const agent = await startAgent({ args: ['--token-file', file] });
    try {
      expect((await agent.call('GET', '/v1/eips', undefined, 'my-own-token-123')).status).to.equal(200);
      expect((await agent.call('GET', '/v1/eips', undefined, 'a-different-token')).status).to.equal(401);
    } finally {
      await agent.stop();
    }
  });

  it('refuses a non-loopback --control address without a token file', () => {
    const run = spawnSync(
      process.execPath,
      [ALBKIT_BIN, 'agent', '--state-dir', join(dir, 'state'), '--control', '0.0.0.0:0'],
      {
        encoding: 'utf8',
        env: { ...process.env, ALBKIT_LOG_LEVEL: 'silent' },
        timeout: 15_000,
      },
    );
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.contain('0.0.0.0').and.to.contain('--token-file');
  });
});
