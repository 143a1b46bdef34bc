import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { expect } from 'chai';
import { startHttpBackend, type DemoBackend } from '../../examples/quickstart/demo-backend';
import { generateCertificate } from '../fixtures/tcp-peers';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { shopManifest } from '../runtime/api/fixture';

type Rep = { id: string; status: { state: string; reason?: string } };

/** PUTs an HTTPS listener on the shop load balancer naming these files; resolves with its state once settled. */
async function putHttpsListener(
  agent: TestAgent,
  id: string,
  port: number,
  certFile: string,
  keyFile: string,
): Promise<Rep['status']> {
  const spec = {
    loadBalancer: 'shop',
    protocol: 'HTTPS',
    port,
    backendService: 'shop/backend',
    certificate: { certFile, keyFile },
  };
  const put = await agent.call<Rep>('PUT', `/v1/listeners/${encodeURIComponent(id)}`, { spec });
  expect(put.status, JSON.stringify(put.body)).to.equal(201);
  return settled(agent, id);
}

/** The listener's status once it is no longer CREATING (long polls, up to 60 s in all). */
async function settled(agent: TestAgent, id: string): Promise<Rep['status']> {
  for (let polls = 0; polls < 6; polls++) {
    const { body } = await agent.call<Rep>('GET', `/v1/listeners/${encodeURIComponent(id)}?wait=10000`);
    if (body.status.state !== 'CREATING') return body.status;
  }
  throw new Error(`${id} is still CREATING after 60 s`);
}

/** The fingerprint of the certificate a TLS connection to the port presents. */
async function servedFingerprint(port: number): Promise<string> {
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
  await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  const fingerprint = socket.getPeerX509Certificate()!.fingerprint256;
  socket.destroy();
  return fingerprint;
}

describe('Agent certificate files', function () {
  this.timeout(120_000);
  let backend: DemoBackend;
  let pems: { cert: string; key: string };
  let root: string;
  const agents: TestAgent[] = [];

  /** An agent running the shop fixture (HTTP listener), with these extra CLI arguments. */
  async function shopAgent(args: string[] = [], stateDir?: string): Promise<TestAgent> {
    const manifest = shopManifest({ listenerPort: await freePort(), backendPort: backend.port });
    const agent = await startAgent({ manifest, args, stateDir });
    agents.push(agent);
    return agent;
  }

  before(async () => {
    [backend, pems] = await Promise.all([startHttpBackend(0, '127.0.0.1', 'cert-backend'), generateCertificate()]);
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'albkit-agent-certs-'));
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    await rm(root, { recursive: true, force: true });
  });
  after(async () => {
    await backend?.close();
  });

  it('fails a listener whose certificate is a FIFO at once, and nothing else waits for it', async () => {
    const agent = await shopAgent();
    const fifo = join(agent.stateDir, 'cert.pem');
    const keyFile = join(agent.stateDir, 'key.pem');
    execFileSync('mkfifo', [fifo]);
    await writeFile(keyFile, pems.key);
    const status = await putHttpsListener(agent, 'shop/fifo', await freePort(), fifo, keyFile);
    expect(status).to.deep.equal({
      state: 'FAILED',
      reason: `shop/fifo: certificate.certFile: ${fifo}: is not a regular file (a FIFO)`,
    });

    // Later changes are applied, and the FIFO listener can be deleted.
    const spec = { loadBalancer: 'shop', protocol: 'HTTP', port: await freePort(), backendService: 'shop/backend' };
    expect((await agent.call<Rep>('PUT', '/v1/listeners/shop%2Fother', { spec })).body.status.state).to.equal('ACTIVE');
    expect((await agent.call('DELETE', '/v1/listeners/shop%2Ffifo')).status).to.equal(200);
    expect((await agent.call('GET', '/v1/listeners/shop%2Ffifo?wait=30000')).status).to.equal(404);

    // Stored again, it neither keeps a restarted agent from opening its control API nor a SIGTERM from ending it.
    expect((await putHttpsListener(agent, 'shop/fifo', await freePort(), fifo, keyFile)).state).to.equal('FAILED');
    await agent.kill9();
    agents.splice(agents.indexOf(agent), 1);
    const restarted = await shopAgent([], agent.stateDir);
    expect((await settled(restarted, 'shop/fifo')).state).to.equal('FAILED');
    agents.splice(agents.indexOf(restarted), 1);
    expect(await restarted.stop()).to.equal(0);
    await rm(agent.stateDir, { recursive: true, force: true });
  });

  it('fails a listener whose certificate is /dev/null or an empty file instead of serving failed handshakes', async () => {
    const agent = await shopAgent(['--certificate-dir', '/dev']);
    const keyFile = join(agent.stateDir, 'key.pem');
    const empty = join(agent.stateDir, 'empty.pem');
    await Promise.all([writeFile(keyFile, pems.key), writeFile(empty, '')]);
    expect(await putHttpsListener(agent, 'shop/null', await freePort(), '/dev/null', keyFile)).to.deep.equal({
      state: 'FAILED',
      reason: 'shop/null: certificate.certFile: /dev/null: is not a regular file (a character device)',
    });
    expect(await putHttpsListener(agent, 'shop/empty', await freePort(), empty, keyFile)).to.deep.equal({
      state: 'FAILED',
      reason: `shop/empty: certificate.certFile: ${empty}: is empty`,
    });
  });

  it('reads no key outside the allowed directories, and says the same whether it exists or not', async () => {
    const secret = join(root, 'secret');
    await mkdir(secret);
    await Promise.all([writeFile(join(secret, 'cert.pem'), pems.cert), writeFile(join(secret, 'key.pem'), pems.key)]);
    await chmod(secret, 0o700);
    const agent = await shopAgent();
    const reason = (path: string): string =>
      `certificate.keyFile: ${path}: no such file under the certificate directories (${agent.stateDir}); start the agent with --certificate-dir for the directory that holds it`;
    const existing = join(secret, 'key.pem');
    const missing = join(secret, 'missing.pem');
    const escape = join(agent.stateDir, '..', 'secret', 'key.pem');
    const certFile = join(agent.stateDir, 'cert.pem');
    await writeFile(certFile, pems.cert);
    for (const [id, keyFile] of [
      ['shop/existing', existing],
      ['shop/missing', missing],
      ['shop/escape', escape],
    ] as const) {
      const status = await putHttpsListener(agent, id, await freePort(), certFile, keyFile);
      expect(status).to.deep.equal({ state: 'FAILED', reason: `${id}: ${reason(keyFile)}` });
    }
    const token = join(agent.stateDir, 'token');
    expect(await putHttpsListener(agent, 'shop/own', await freePort(), certFile, token)).to.deep.equal({
      state: 'FAILED',
      reason: `shop/own: certificate.keyFile: ${token}: is one of the agent's own files, never served as a certificate`,
    });
  });

  it('serves a certificate from a --certificate-dir', async () => {
    const certs = join(root, 'certs');
    await mkdir(certs);
    await Promise.all([writeFile(join(certs, 'cert.pem'), pems.cert), writeFile(join(certs, 'key.pem'), pems.key)]);
    const agent = await shopAgent(['--certificate-dir', certs]);
    const port = await freePort();
    expect(
      await putHttpsListener(agent, 'shop/https', port, join(certs, 'cert.pem'), join(certs, 'key.pem')),
    ).to.deep.equal({ state: 'ACTIVE' });
    expect(await servedFingerprint(port)).to.equal(new X509Certificate(pems.cert).fingerprint256);
  });

  it('refuses to start with a --certificate-dir that does not exist, naming it', async () => {
    const error = await startAgent({
      stateDir: join(root, 'state'),
      args: ['--certificate-dir', join(root, 'nowhere')],
    }).catch((caught: Error) => caught);
    expect((error as Error).message).to.contain(`--certificate-dir ${join(root, 'nowhere')}: no such directory`);
  });
});
