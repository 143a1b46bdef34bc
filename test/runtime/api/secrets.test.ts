import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { buildManifest } from '../../../lib';
import { startHttpBackend, type DemoBackend } from '../../../examples/quickstart/demo-backend';
import { generateCertificate } from '../../fixtures/tcp-peers';
import { freePort, startAgent, type TestAgent } from '../../helpers/agent';
import { runCli, writeManifest } from '../deploy/quickstart';
import { shopManifest, specOf } from './fixture';

type Rep = {
  spec: { certificate: { certPem: string; keyPem: string } };
  generation: number;
  status: { state: string };
};

/** GET https://127.0.0.1:<port>/ trusting `ca`; the body. */
function httpsGet(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest({ host: '127.0.0.1', port, path: '/', ca, servername: 'localhost' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(body));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('Control API: private keys', () => {
  let agent: TestAgent;
  let backend: DemoBackend;
  let dir: string;
  let certificate: { cert: string; key: string };
  let manifest: ReturnType<typeof shopManifest>;
  let httpsPort: number;
  let fingerprint: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-secrets-'));
    certificate = await generateCertificate();
    fingerprint = `redacted:sha256:${createHash('sha256').update(certificate.key).digest('hex')}`;
    backend = await startHttpBackend(0, '127.0.0.1', 'backend-tls');
    httpsPort = await freePort();
    const shop = shopManifest({ listenerPort: await freePort(), backendPort: backend.port });
    manifest = {
      ...shop,
      resources: [
        ...shop.resources,
        {
          id: 'shop/https',
          kind: 'Listener',
          spec: {
            loadBalancer: 'shop',
            protocol: 'HTTPS',
            port: httpsPort,
            backendService: 'shop/backend',
            certificate: { certPem: certificate.cert, keyPem: certificate.key },
          },
        },
      ],
    };
    agent = await startAgent({ env: { ALBKIT_LOG_LEVEL: 'trace' } });
    expect((await agent.call('PUT', '/v1/manifest?stack=tls', manifest)).status).to.equal(200);
  });
  after(async () => {
    await agent?.stop();
    await backend?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('returns an inline key as its fingerprint from every read, and never the key', async () => {
    const one = await agent.call<Rep>('GET', '/v1/listeners/shop%2Fhttps');
    expect(one.body.spec.certificate).to.deep.equal({ certPem: certificate.cert, keyPem: fingerprint });
    for (const path of ['/v1/listeners', '/v1/manifest', '/v1/manifest?stack=tls', '/v1/listeners/shop%2Fhttps']) {
      const text = JSON.stringify((await agent.call('GET', path)).body);
      expect(text, path).to.not.contain('PRIVATE KEY');
      expect(text, path).to.contain(fingerprint);
    }
  });

  it('keeps the key out of the PUT answer and of its log, even at trace level', async () => {
    const put = await agent.call<Rep>('PUT', '/v1/listeners/shop%2Fhttps', {
      spec: specOf(manifest, 'shop/https'),
      owner: 'deploy/tls',
    });
    expect(put.status).to.equal(200);
    expect(JSON.stringify(put.body)).to.not.contain('PRIVATE KEY');
    expect(agent.output()).to.not.contain('PRIVATE KEY');
  });

  it('hashes the stack with its keys, as albkit synth does', async () => {
    const stack = await agent.call<{ hash: string }>('GET', '/v1/manifest?stack=tls');
    expect(stack.body.hash).to.equal(buildManifest(manifest.resources).hash);
  });

  it('keeps the key when a spec read back is written again: no change, and the listener still serves with it', async () => {
    const read = await agent.call<Rep>('GET', '/v1/listeners/shop%2Fhttps');
    const again = await agent.call<Rep>('PUT', '/v1/listeners/shop%2Fhttps', {
      spec: read.body.spec,
      owner: 'deploy/tls',
    });
    expect(again.status).to.equal(200);
    expect(again.body.generation).to.equal(read.body.generation);
    expect(await httpsGet(httpsPort, certificate.cert)).to.equal('backend-tls\n');
  });

  it('refuses a fingerprint that is not the key of the listener with 400 naming the field', async () => {
    const spec = {
      ...specOf(manifest, 'shop/https'),
      certificate: { certPem: certificate.cert, keyPem: `redacted:sha256:${'0'.repeat(64)}` },
    };
    const refused = await agent.call<{ error: { message: string } }>('PUT', '/v1/listeners/shop%2Fhttps', { spec });
    expect(refused.status).to.equal(400);
    expect(refused.body.error.message).to.match(/shop\/https: certificate.*keyPem|must be a PEM private key/);
  });

  it('plans no changes for albkit deploy of the same app, whose plan reads the keys back as fingerprints', async () => {
    const file = await writeManifest(dir, 'tls.json', manifest);
    const deploy = await runCli([
      'deploy',
      file,
      '--stack',
      'tls',
      '--endpoint',
      agent.endpoint,
      '--token-file',
      join(agent.stateDir, 'token'),
    ]);
    expect(deploy.code, deploy.stderr).to.equal(0);
    expect(deploy.stdout).to.contain('no changes');
  });

  it('updates the listener when albkit deploy brings another key', async () => {
    const other = await generateCertificate();
    const changed = {
      ...manifest,
      resources: manifest.resources.map((r) =>
        (r as { id: string }).id === 'shop/https'
          ? {
              ...(r as object),
              spec: { ...specOf(manifest, 'shop/https'), certificate: { certPem: other.cert, keyPem: other.key } },
            }
          : r,
      ),
    };
    const file = await writeManifest(dir, 'tls-other.json', changed);
    const deploy = await runCli([
      'deploy',
      file,
      '--stack',
      'tls',
      '--endpoint',
      agent.endpoint,
      '--token-file',
      join(agent.stateDir, 'token'),
    ]);
    expect(deploy.code, deploy.stderr).to.equal(0);
    expect(deploy.stdout).to.match(/update\s+Listener shop\/https/);
    expect(await httpsGet(httpsPort, other.cert)).to.equal('backend-tls\n');
  });
});
