import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import { generateCertificate } from '../../fixtures/tcp-peers';
import {
  albResources,
  applyOk,
  freePort,
  LB_ADDRESS,
  newDataPlane,
  startHttpBackend,
  type HttpBackend,
} from './http-fixtures';

/** The outcome of an `openssl s_client` handshake offering only `args`' versions and suites. */
interface Handshake {
  ok: boolean;
  /** The suite agreed, as openssl prints it (`Cipher is …`). */
  cipher: string | undefined;
}

/** Runs `openssl s_client` against `port` with `args` (a version flag and a `-cipher` or `-ciphersuites` list). */
function handshake(port: number, args: readonly string[]): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'openssl',
      ['s_client', '-connect', `${LB_ADDRESS}:${port}`, '-servername', 'localhost', ...args],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const cipher = /Cipher is (\S+)/.exec(output)?.[1];
      resolve({ ok: code === 0 && cipher !== undefined && cipher !== '(NONE)', cipher });
    });
    child.stdin.end();
  });
}

/** Suites a client offers alone, at OpenSSL security level 0 so that the client itself does not refuse them. */
const REFUSED: ReadonlyArray<{ name: string; args: string[] }> = [
  { name: 'static RSA with AES-CBC and SHA-1', args: ['-tls1_2', '-cipher', 'AES128-SHA@SECLEVEL=0'] },
  { name: 'static RSA with AES-GCM', args: ['-tls1_2', '-cipher', 'AES256-GCM-SHA384@SECLEVEL=0'] },
  { name: 'ECDHE with AES-CBC and SHA-1', args: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA@SECLEVEL=0'] },
  { name: 'ECDHE with AES-CBC and SHA-256', args: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA256@SECLEVEL=0'] },
  { name: 'finite-field DHE with AES-GCM', args: ['-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256@SECLEVEL=0'] },
  { name: 'TLS 1.1', args: ['-tls1_1', '-cipher', 'ALL@SECLEVEL=0'] },
];

const ACCEPTED: ReadonlyArray<{ name: string; args: string[]; cipher: string }> = [
  {
    name: 'ECDHE with AES-128-GCM',
    args: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256'],
    cipher: 'ECDHE-RSA-AES128-GCM-SHA256',
  },
  {
    name: 'ECDHE with AES-256-GCM',
    args: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384'],
    cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
  },
  {
    name: 'ECDHE with ChaCha20-Poly1305',
    args: ['-tls1_2', '-cipher', 'ECDHE-RSA-CHACHA20-POLY1305'],
    cipher: 'ECDHE-RSA-CHACHA20-POLY1305',
  },
  { name: 'TLS 1.3', args: ['-tls1_3'], cipher: 'TLS_AES_128_GCM_SHA256' },
];

describe('TLS policy of HTTPS and TLS listeners', function () {
  let backend: HttpBackend;
  let dataPlane: DataPlane;
  let tlsPlane: DataPlane;
  const ports: Record<string, number> = {};

  before(async function () {
    backend = await startHttpBackend('plain');
    ({ dataPlane } = newDataPlane());
    const { cert, key } = await generateCertificate();
    const certificate = { certPem: cert, keyPem: key };
    ports.HTTPS = await freePort();
    ports.TLS = await freePort();
    await applyOk(
      dataPlane,
      albResources({ port: ports.HTTPS, servers: [{ backend }], listener: { protocol: 'HTTPS', certificate } }),
    );
    ({ dataPlane: tlsPlane } = newDataPlane());
    await applyOk(tlsPlane, tlsResources(certificate));
  });

  function tlsResources(certificate: { certPem: string; keyPem: string }) {
    return albResources({
      port: ports.TLS!,
      servers: [{ backend }],
      backend: { protocol: 'TCP' },
      listener: { protocol: 'TLS', certificate },
    });
  }

  after(async function () {
    await tlsPlane.stop(500);
    await dataPlane.stop(500);
    await backend.close();
  });

  for (const protocol of ['HTTPS', 'TLS'] as const) {
    for (const { name, args } of REFUSED) {
      it(`${protocol}: refuses a client offering only ${name}`, async function () {
        const result = await handshake(ports[protocol]!, args);
        expect(result.ok, `agreed on ${result.cipher}`).to.equal(false);
      });
    }
    for (const { name, args, cipher } of ACCEPTED) {
      it(`${protocol}: accepts ${name}`, async function () {
        expect(await handshake(ports[protocol]!, args)).to.deep.equal({ ok: true, cipher });
      });
    }
  }

  it('keeps the policy when a certificate is swapped in place', async function () {
    const { cert, key } = await generateCertificate();
    const certificate = { certPem: cert, keyPem: key };
    await applyOk(
      dataPlane,
      albResources({ port: ports.HTTPS!, servers: [{ backend }], listener: { protocol: 'HTTPS', certificate } }),
    );
    await applyOk(tlsPlane, tlsResources(certificate));
    for (const protocol of ['HTTPS', 'TLS'] as const) {
      expect((await handshake(ports[protocol]!, REFUSED[0]!.args)).ok, protocol).to.equal(false);
      expect((await handshake(ports[protocol]!, ACCEPTED[0]!.args)).ok, protocol).to.equal(true);
    }
  });
});
