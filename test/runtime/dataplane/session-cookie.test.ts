import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cookieValue, readCookie } from '../../../runtime/dataplane/session-cookie';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import {
  albResources,
  applyOk,
  freePort,
  LB_ADDRESS,
  newDataPlane,
  startHttpBackends,
  type HttpBackend,
} from './http-fixtures';

const run = promisify(execFile);

describe('Session persistence', function () {
  let backends: HttpBackend[];
  let dataPlane: DataPlane;
  let dir: string;
  let port: number;
  const persistence = { sessionPersistence: { enabled: true, cookieName: 'LB', ttlSeconds: 600 } };

  /** One curl request with the cookie jar; returns the body and the Set-Cookie header if any. */
  async function curl(jar = join(dir, 'jar')): Promise<{ body: string; setCookie: string | undefined }> {
    const headers = join(dir, 'headers');
    const { stdout } = await run('curl', ['-s', '-c', jar, '-b', jar, '-D', headers, `http://${LB_ADDRESS}:${port}/`]);
    const setCookie = (await readFile(headers, 'utf8')).split('\r\n').find((line) => /^set-cookie:/i.test(line));
    return { body: stdout, setCookie: setCookie?.replace(/^set-cookie:\s*/i, '') };
  }

  function apply(
    servers: Array<{ backend: HttpBackend; weight?: number }>,
    backend: Record<string, unknown> = persistence,
  ): Promise<void> {
    return applyOk(dataPlane, albResources({ port, servers, backend }));
  }

  before(async function () {
    backends = await startHttpBackends(['a', 'b', 'c']);
    ({ dataPlane } = newDataPlane());
    port = await freePort();
    dir = await mkdtemp(join(tmpdir(), 'albkit-cookie-'));
  });

  beforeEach(async function () {
    await rm(join(dir, 'jar'), { force: true });
    await apply(backends.map((backend) => ({ backend })));
  });

  after(async function () {
    await dataPlane.stop(500);
    await Promise.all(backends.map((backend) => backend.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('pins a client with a cookie jar (curl -c/-b) to one server', async function () {
    const first = await curl();
    expect(first.setCookie).to.match(/^LB=[A-Za-z0-9_-]{22}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/);
    for (let i = 0; i < 12; i++) {
      const next = await curl();
      expect(next.body).to.equal(first.body);
      expect(next.setCookie).to.equal(undefined);
    }
  });

  it('names the server opaquely: neither its address, port nor name appear in the cookie', async function () {
    const { setCookie } = await curl();
    const value = /^LB=([^;]+)/.exec(setCookie!)![1]!;
    for (const backend of backends) {
      expect(value).to.not.include(String(backend.port)).and.not.include('127.0.0.1');
    }
    const key = backends
      .map((backend) => `lb/servers/${backend.name}`)
      .find((k) => cookieValue(Buffer.from('test-secret-0123456789abcdef'), 'lb/backend', k) === value);
    expect(key).to.be.a('string');
  });

  it('ignores and replaces a tampered cookie', async function () {
    await writeFile(join(dir, 'forged'), `${LB_ADDRESS}\tFALSE\t/\tFALSE\t0\tLB\tAAAAAAAAAAAAAAAAAAAAAA\n`);
    const answer = await curl(join(dir, 'forged'));
    expect(answer.setCookie).to.match(/^LB=/);
    expect(answer.setCookie).to.not.include('AAAAAAAAAAAAAAAAAAAAAA');
    expect(['a', 'b', 'c']).to.include(answer.body);
  });

  it('replaces the cookie when its server takes no traffic or is gone', async function () {
    const first = await curl();
    const pinned = backends.find((backend) => backend.name === first.body)!;
    await apply(backends.map((backend) => ({ backend, weight: backend === pinned ? 0 : 10 })));
    const moved = await curl();
    expect(moved.body).to.not.equal(pinned.name);
    expect(moved.setCookie).to.match(/^LB=/);
    expect((await curl()).body).to.equal(moved.body);
    await apply(backends.filter((backend) => backend.name !== moved.body).map((backend) => ({ backend })));
    const again = await curl();
    expect(again.body).to.not.equal(moved.body);
    expect(again.setCookie).to.match(/^LB=/);
  });

  it('sets no cookie when persistence is off (the default)', async function () {
    await apply(
      backends.map((backend) => ({ backend })),
      {},
    );
    const names = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const answer = await curl();
      expect(answer.setCookie).to.equal(undefined);
      names.add(answer.body);
    }
    expect(names.size).to.equal(3);
  });

  it('omits Max-Age for a browser-session cookie (ttlSeconds 0)', async function () {
    await apply(
      backends.map((backend) => ({ backend })),
      { sessionPersistence: { enabled: true } },
    );
    const { setCookie } = await curl();
    expect(setCookie).to.match(/^ALBKIT_SERVER=[A-Za-z0-9_-]{22}; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('reads one cookie out of a Cookie header', function () {
    expect(readCookie('a=1; LB=xyz; b=2', 'LB')).to.equal('xyz');
    expect(readCookie('XLB=no; LB=yes', 'LB')).to.equal('yes');
    expect(readCookie('LB=first', 'LB')).to.equal('first');
    expect(readCookie('LBX=1', 'LB')).to.equal(undefined);
    expect(readCookie(undefined, 'LB')).to.equal(undefined);
  });
});
