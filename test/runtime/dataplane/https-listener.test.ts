import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { Agent } from 'undici';
import { CertificateFiles } from '../../../runtime/dataplane/certificate-files';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import { generateCertificate } from '../../fixtures/tcp-peers';
import {
  albResources,
  applyOk,
  fetchText,
  freePort,
  LB_ADDRESS,
  newDataPlane,
  startHttpBackends,
  type HttpBackend,
} from './http-fixtures';

const run = promisify(execFile);

/** Runs `openssl s_client` against the listener, sending a request, and resolves with what it printed. */
function sClient(port: number, caFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'openssl',
      [
        's_client',
        '-connect',
        `${LB_ADDRESS}:${port}`,
        '-servername',
        'localhost',
        '-CAfile',
        caFile,
        '-verify_return_error',
        '-quiet',
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
    child.stdin.end('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  });
}

/** The fingerprint of the certificate a fresh TLS connection to the listener presents. */
async function servedFingerprint(port: number): Promise<string> {
  const socket = tls.connect({ host: LB_ADDRESS, port, servername: 'localhost', rejectUnauthorized: false });
  await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  const fingerprint = socket.getPeerX509Certificate()!.fingerprint256;
  socket.destroy();
  return fingerprint;
}

describe('HTTPS listener', function () {
  let backends: HttpBackend[];
  let dataPlane: DataPlane;
  let port: number;
  let dir: string;
  let cert: { cert: string; key: string };

  function resources(certificate: { cert: string; key: string }, backend: Record<string, unknown> = {}) {
    return albResources({
      port,
      servers: backends.map((b) => ({ backend: b })),
      listener: { protocol: 'HTTPS', certificate: { certPem: certificate.cert, keyPem: certificate.key } },
      backend,
    });
  }

  before(async function () {
    this.timeout(30000);
    [backends, cert] = await Promise.all([startHttpBackends(['a', 'b']), generateCertificate()]);
    dir = await mkdtemp(join(tmpdir(), 'albkit-https-'));
    await writeFile(join(dir, 'ca.pem'), cert.cert);
    port = await freePort();
    ({ dataPlane } = newDataPlane());
    await applyOk(dataPlane, resources(cert, { sessionPersistence: { enabled: true } }));
  });

  after(async function () {
    await dataPlane.stop(500);
    await Promise.all(backends.map((backend) => backend.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('terminates TLS with the listener certificate, verified by openssl s_client', async function () {
    const output = await sClient(port, join(dir, 'ca.pem'));
    expect(output).to.match(/verify return:1/);
    expect(output).to.match(/HTTP\/1\.1 200 OK/);
    expect(output).to.match(/\r\n\r\n(a|b)$/);
  });

  it('serves curl verifying the certificate, with X-Forwarded-Proto https and a Secure cookie', async function () {
    const { stdout } = await run('curl', [
      '-s',
      '-i',
      '--cacert',
      join(dir, 'ca.pem'),
      '--resolve',
      `localhost:${port}:${LB_ADDRESS}`,
      `https://localhost:${port}/`,
    ]);
    expect(stdout).to.match(/^HTTP\/1\.1 200/);
    expect(stdout).to.match(/set-cookie: ALBKIT_SERVER=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure\r\n/i);
    const served = backends.find((backend) => stdout.endsWith(backend.name))!;
    expect(served.last['x-forwarded-proto']).to.equal('https');
    expect(served.last['x-forwarded-port']).to.equal(String(port));
  });

  it('refuses clients that do not trust the certificate', async function () {
    const failure = await run('curl', [
      '-s',
      '--resolve',
      `localhost:${port}:${LB_ADDRESS}`,
      `https://localhost:${port}/`,
    ]).catch((error: { code: number }) => error);
    expect((failure as { code: number }).code).to.equal(60);
  });

  it('swaps the certificate in place: new connections get the new one, open ones keep working', async function () {
    this.timeout(30000);
    const client = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      expect((await fetchText(client, `https://${LB_ADDRESS}:${port}/`)).status).to.equal(200);
      const next = await generateCertificate();
      await applyOk(dataPlane, resources(next, { sessionPersistence: { enabled: true } }));
      expect(await servedFingerprint(port)).to.equal(new X509Certificate(next.cert).fingerprint256);
      expect((await fetchText(client, `https://${LB_ADDRESS}:${port}/`)).status).to.equal(200);
      await applyOk(dataPlane, resources(cert, { sessionPersistence: { enabled: true } }));
      expect(await servedFingerprint(port)).to.equal(new X509Certificate(cert.cert).fingerprint256);
    } finally {
      await client.close();
    }
  });

  it('refuses a key that does not match the certificate, naming the listener, and keeps serving', async function () {
    const other = await generateCertificate();
    const mismatched = { cert: cert.cert, key: other.key };
    const outcomes = await dataPlane.apply(resources(mismatched, { sessionPersistence: { enabled: true } }));
    const outcome = outcomes.get('lb/listener') as { ok: false; reason: string };
    expect(outcome.ok).to.equal(false);
    expect(outcome.reason).to.match(
      /^lb\/listener: certificate: .*mismatch.*\(the listener keeps its previous configuration\)$/,
    );
    expect(await servedFingerprint(port)).to.equal(new X509Certificate(cert.cert).fingerprint256);
    const fresh = await freePort();
    const { dataPlane: plane } = newDataPlane();
    try {
      const failed = await plane.apply(
        albResources({
          port: fresh,
          servers: [{ backend: backends[0]! }],
          listener: { protocol: 'HTTPS', certificate: { certPem: mismatched.cert, keyPem: mismatched.key } },
        }),
      );
      expect((failed.get('lb/listener') as { reason: string }).reason).to.match(
        /^lb\/listener: certificate: .*mismatch/,
      );
    } finally {
      await plane.stop(500);
    }
  });

  it('reads a certificate from files, and reports a missing file naming the listener and field', async function () {
    const other = await freePort();
    const { dataPlane: plane } = newDataPlane({ certificateFiles: new CertificateFiles({ dirs: [dir] }) });
    try {
      await writeFile(join(dir, 'key.pem'), cert.key);
      const fromFiles = (certFile: string) =>
        albResources({
          port: other,
          servers: [{ backend: backends[0]! }],
          listener: { protocol: 'HTTPS', certificate: { certFile, keyFile: join(dir, 'key.pem') } },
        });
      await applyOk(plane, fromFiles(join(dir, 'ca.pem')));
      expect(await servedFingerprint(other)).to.equal(new X509Certificate(cert.cert).fingerprint256);
      const outcomes = await plane.apply(fromFiles(join(dir, 'missing.pem')));
      expect(outcomes.get('lb/listener')).to.deep.equal({
        ok: false,
        reason: `lb/listener: certificate.certFile: ${join(
          dir,
          'missing.pem',
        )}: no such file under the certificate directories (${dir}); start the agent with --certificate-dir for the directory that holds it`,
      });
    } finally {
      await plane.stop(500);
    }
  });
});
