import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const QUICKSTART = join(ROOT, 'examples/quickstart/app.ts');

/** Runs the built `albkit` command as a process. */
function albkit(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'dist/bin/albkit.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('albkit CLI', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'albkit-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('graph --format json gives security group → load balancer → server group → backend service → listener, destroy reversed', () => {
    const { status, stdout } = albkit('graph', QUICKSTART, '--format', 'json');
    expect(status).to.equal(0);
    const graph = JSON.parse(stdout) as { create: string[][]; destroy: string[][] };
    expect(graph.create).to.deep.equal([
      ['web-eip', 'web/default-security-group'],
      ['web'],
      ['web/servers', 'web/tcp-servers'],
      ['web/tcp-backend', 'web/web-backend'],
      ['web/http', 'web/tcp'],
    ]);
    expect(graph.destroy).to.deep.equal([...graph.create].reverse());
  });

  it('graph prints the waves as text, dot and mermaid', () => {
    expect(albkit('graph', QUICKSTART).stdout).to.match(
      /create:\n {2}wave 1: web-eip \(Eip\), web\/default-security-group \(SecurityGroup\)\n {2}wave 2: web \(LoadBalancer\)/,
    );
    // The quickstart's 12 edges, each drawn from the dependency to its dependent.
    const dot = albkit('graph', QUICKSTART, '--format', 'dot').stdout;
    expect(dot)
      .to.include('"web" -> "web/servers";')
      .and.include('"web/web-backend" -> "web/http";')
      .and.include('"web-eip" -> "web";');
    expect(dot.match(/ -> /g)).to.have.length(12);
    const mermaid = albkit('graph', QUICKSTART, '--format', 'mermaid').stdout;
    expect(mermaid).to.match(/^graph LR\n {2}r0\["web-eip \(Eip\)"\]\n/);
    expect(mermaid)
      .to.include('  r2["web (LoadBalancer)"]\n')
      .and.include('  r2 --> r3\n')
      .and.include('  r6 --> r7\n');
    expect(mermaid.match(/ --> /g)).to.have.length(12);
  });

  it('synth writes the same manifest bytes twice, and validate accepts it', () => {
    expect(albkit('synth', QUICKSTART, '-o', join(dir, 'a')).status).to.equal(0);
    expect(albkit('synth', QUICKSTART, '-o', join(dir, 'b')).status).to.equal(0);
    const a = readFileSync(join(dir, 'a/albkit.manifest.json'), 'utf8');
    expect(readFileSync(join(dir, 'b/albkit.manifest.json'), 'utf8')).to.equal(a);
    const check = albkit('validate', join(dir, 'a/albkit.manifest.json'));
    expect(check.status).to.equal(0);
    expect(check.stdout).to.match(/^valid: 9 resources, sha256 [0-9a-f]{64}\n$/);
  });

  it('validate exits 1 with four errors, each naming its construct path and field, for a wrong app', () => {
    const { status, stderr } = albkit('validate', join(ROOT, 'test/fixtures/apps/invalid-app.ts'));
    expect(status).to.equal(1);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).to.equal('4 validation errors:');
    expect(lines.slice(1).map((l) => l.trim().split(': ').slice(0, 2).join(': '))).to.have.members([
      'shop/admin: port',
      'shop/tcp: sessionPersistence.enabled',
      'shop/servers: servers[1].address',
      'shop/https: certificate',
    ]);
  });

  it('exits 1 for a module without an App and for bad JSON', () => {
    const noApp = albkit('validate', join(ROOT, 'test/fixtures/apps/not-an-app.mjs'));
    expect(noApp.status).to.equal(1);
    expect(noApp.stderr).to.match(/must have an App as its default export/);
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    const bad = albkit('validate', join(dir, 'bad.json'));
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.match(/bad\.json is not valid JSON/);
  });

  it('validate exits 1 for a manifest with a wrong field, naming the resource and field', () => {
    writeFileSync(
      join(dir, 'wrong.json'),
      JSON.stringify({
        apiVersion: 'albkit/v1',
        resources: [{ id: 'ip', kind: 'Eip', spec: { address: '10.0.0.300' } }],
      }),
    );
    const { status, stderr } = albkit('validate', join(dir, 'wrong.json'));
    expect(status).to.equal(1);
    expect(stderr).to.equal('1 validation error:\n  ip: address: must be an IPv4 address such as 10.0.0.1\n');
  });

  it('exits 2 on wrong usage', () => {
    expect(albkit('validate').status).to.equal(2);
    expect(albkit('graph', QUICKSTART, '--format', 'png').status).to.equal(2);
    expect(albkit('frobnicate').status).to.equal(2);
  });

  it('plans from an empty manifest, then reports no changes against itself', () => {
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ apiVersion: 'albkit/v1', resources: [] }));
    const first = albkit('plan', QUICKSTART, '--from', join(dir, 'empty.json'));
    expect(first.status).to.equal(0);
    expect(first.stdout).to.match(
      /wave 1:\n {2}\+ create Eip web-eip\n {6}address: "127\.0\.0\.10"\n {2}\+ create SecurityGroup web\/default-security-group\n/,
    );
    expect(first.stdout).to.include('9 to create, 0 to update, 0 to replace, 0 to delete');
    albkit('synth', QUICKSTART, '-o', dir);
    expect(albkit('plan', QUICKSTART, '--from', join(dir, 'albkit.manifest.json')).stdout).to.equal('no changes\n');
  });
});

describe('README', () => {
  it('shows examples/basic/app.ts verbatim, and that app validates', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).to.equal(readFileSync(join(ROOT, 'examples/basic/app.ts'), 'utf8'));
    const { status, stdout } = albkit('validate', join(ROOT, 'examples/basic/app.ts'));
    expect(status).to.equal(0);
    expect(stdout).to.match(/^valid: 5 resources/);
  });
});
