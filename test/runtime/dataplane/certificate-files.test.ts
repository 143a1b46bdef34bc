import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ResourceOf } from '../../../lib';
import { CertificateFiles } from '../../../runtime/dataplane/certificate-files';
import { generateCertificate } from '../../fixtures/tcp-peers';

/** A listener naming these certificate and key files. */
function listener(certFile: string, keyFile: string): ResourceOf<'Listener'> {
  return {
    id: 'lb/https',
    kind: 'Listener',
    dependsOn: ['lb', 'lb/backend'],
    spec: {
      loadBalancer: 'lb',
      protocol: 'HTTPS',
      port: 8443,
      backendService: 'lb/backend',
      certificate: { certFile, keyFile },
      idleTimeoutSeconds: 60,
    },
  };
}

/** The message `read` rejects with, or `read` when it resolves. */
async function failure(files: CertificateFiles, certFile: string, keyFile: string): Promise<string> {
  return files.read(listener(certFile, keyFile)).then(
    () => 'read',
    (error: Error) => error.message,
  );
}

describe('Certificate files', function () {
  this.timeout(30_000);
  let root: string;
  let allowed: string;
  let outside: string;
  let pems: { cert: string; key: string };
  let files: CertificateFiles;
  let certFile: string;
  let keyFile: string;

  before(async () => {
    pems = await generateCertificate();
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'albkit-certfiles-'));
    allowed = join(root, 'allowed');
    outside = join(root, 'outside');
    await Promise.all([mkdir(allowed), mkdir(outside)]);
    certFile = join(allowed, 'cert.pem');
    keyFile = join(allowed, 'key.pem');
    await Promise.all([writeFile(certFile, pems.cert), writeFile(keyFile, pems.key)]);
    files = new CertificateFiles({ dirs: [allowed], refused: [join(allowed, 'token')] });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads a certificate and key under an allowed directory', async () => {
    expect(await files.read(listener(certFile, keyFile))).to.deep.equal({ cert: pems.cert, key: pems.key });
  });

  it('refuses a FIFO at once, without waiting for a writer', async () => {
    const fifo = join(allowed, 'fifo.pem');
    execFileSync('mkfifo', [fifo]);
    expect(await failure(files, fifo, keyFile)).to.equal(
      `lb/https: certificate.certFile: ${fifo}: is not a regular file (a FIFO)`,
    );
  });

  it('refuses /dev/null as a device, even in an allowed directory', async () => {
    const devices = new CertificateFiles({ dirs: ['/dev'] });
    expect(await failure(devices, '/dev/null', '/dev/null')).to.match(
      /certificate\.(cert|key)File: \/dev\/null: is not a regular file \(a character device\)$/,
    );
  });

  it('refuses an empty file, and one of blanks only', async () => {
    await writeFile(join(allowed, 'empty.pem'), '');
    await writeFile(join(allowed, 'blank.pem'), ' \n\n');
    expect(await failure(files, certFile, join(allowed, 'empty.pem'))).to.equal(
      `lb/https: certificate.keyFile: ${join(allowed, 'empty.pem')}: is empty`,
    );
    expect(await failure(files, join(allowed, 'blank.pem'), keyFile)).to.equal(
      `lb/https: certificate.certFile: ${join(allowed, 'blank.pem')}: is empty`,
    );
  });

  it('refuses a file that holds no PEM certificate or key', async () => {
    await writeFile(join(allowed, 'notes.txt'), 'not a certificate\n');
    expect(await failure(files, join(allowed, 'notes.txt'), keyFile)).to.equal(
      `lb/https: certificate.certFile: ${join(allowed, 'notes.txt')} does not hold a PEM certificate`,
    );
    expect(await failure(files, certFile, certFile)).to.equal(
      `lb/https: certificate.keyFile: ${certFile} does not hold a PEM private key`,
    );
  });

  it('refuses a file over the size limit without reading it all', async () => {
    const small = new CertificateFiles({ dirs: [allowed], maxBytes: 100 });
    expect(await failure(small, certFile, keyFile)).to.match(/: is larger than 100 bytes$/);
  });

  it('gives the same reason for a file outside the directories whether it exists or not', async () => {
    await writeFile(join(outside, 'key.pem'), pems.key);
    const existing = await failure(files, certFile, join(outside, 'key.pem'));
    const missing = await failure(files, certFile, join(outside, 'missing.pem'));
    const reason = `no such file under the certificate directories (${allowed}); start the agent with --certificate-dir for the directory that holds it`;
    expect(existing).to.equal(`lb/https: certificate.keyFile: ${join(outside, 'key.pem')}: ${reason}`);
    expect(missing).to.equal(`lb/https: certificate.keyFile: ${join(outside, 'missing.pem')}: ${reason}`);
    expect(await failure(files, certFile, join(allowed, 'missing.pem'))).to.equal(
      `lb/https: certificate.keyFile: ${join(allowed, 'missing.pem')}: ${reason}`,
    );
  });

  it('resolves .. and symlinks before it checks the directory', async () => {
    await writeFile(join(outside, 'key.pem'), pems.key);
    await symlink(join(outside, 'key.pem'), join(allowed, 'link.pem'));
    await symlink(outside, join(allowed, 'linked-dir'));
    for (const path of [
      join(allowed, '..', 'outside', 'key.pem'),
      join(allowed, 'link.pem'),
      join(allowed, 'linked-dir', 'key.pem'),
      join(allowed, 'linked-dir', 'missing.pem'),
    ]) {
      expect(await failure(files, certFile, path), path).to.match(/: no such file under the certificate directories/);
    }
    await symlink(keyFile, join(allowed, 'inside-link.pem'));
    expect(await failure(files, certFile, join(allowed, 'inside-link.pem'))).to.equal('read');
  });

  it("never reads the agent's own files", async () => {
    await writeFile(join(allowed, 'token'), 'a'.repeat(64));
    expect(await failure(files, certFile, join(allowed, 'token'))).to.equal(
      `lb/https: certificate.keyFile: ${join(
        allowed,
        'token',
      )}: is one of the agent's own files, never served as a certificate`,
    );
  });

  it('reads no file at all when it allows no directory', async () => {
    expect(await failure(new CertificateFiles(), certFile, keyFile)).to.match(
      /the agent reads no certificate files \(start it with --certificate-dir/,
    );
  });

  it('fails a read that takes longer than its time limit instead of waiting for it', async () => {
    // Every thread of libuv's pool is kept busy opening a FIFO nobody writes to, so the read cannot even start.
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const fifos = Array.from({ length: threads }, (_, i) => join(root, `busy-${i}`));
    for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
    const busy: Promise<FileHandle>[] = fifos.map((fifo) => open(fifo, 'r'));
    try {
      const quick = new CertificateFiles({ dirs: [allowed], timeoutMs: 300 });
      expect(await failure(quick, certFile, keyFile)).to.equal(
        `lb/https: certificate: reading ${certFile} and ${keyFile} took longer than 300 ms`,
      );
    } finally {
      // A writer lets each blocked open finish; the reader is then closed.
      const writers = fifos.map((fifo) => openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      for (const handle of await Promise.all(busy)) await handle.close();
      for (const fd of writers) closeSync(fd);
    }
  });
});
