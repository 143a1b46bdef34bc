/** What the offline verbs print: graph JSON with kinds and edges, the manifest on stdout, validate --json, load errors and usage errors. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const QUICKSTART = join(ROOT, 'examples/quickstart/app.ts');

function albkit(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'dist/bin/albkit.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('albkit CLI output', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'albkit-cli-output-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('graph --format json carries each resource with its kind, and the edges from dependency to dependent', () => {
    const graph = JSON.parse(albkit('graph', QUICKSTART, '--format', 'json').stdout) as {
      resources: { id: string; kind: string }[];
      edges: { from: string; to: string }[];
    };
    expect(graph.resources).to.deep.include({ id: 'web/http', kind: 'Listener' });
    expect(graph.resources).to.have.length(9);
    expect(graph.edges).to.deep.include({ from: 'web/web-backend', to: 'web/http' });
    expect(graph.edges).to.deep.include({ from: 'web-eip', to: 'web' });
    expect(graph.edges).to.have.length(12);
  });

  it('synth -o - prints the manifest itself, the same bytes synth writes to a file', () => {
    const printed = albkit('synth', QUICKSTART, '-o', '-');
    expect(printed.status).to.equal(0);
    expect(albkit('synth', QUICKSTART, '-o', dir).status).to.equal(0);
    expect(printed.stdout).to.equal(readFileSync(join(dir, 'albkit.manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'piped.json'), printed.stdout);
    expect(albkit('validate', join(dir, 'piped.json')).status).to.equal(0);
  });

  it('warns when a manifest was edited by hand after synth (its hash no longer matches), and not before', () => {
    expect(albkit('synth', QUICKSTART, '-o', join(dir, 'edited')).status).to.equal(0);
    const file = join(dir, 'edited/albkit.manifest.json');
    expect(albkit('validate', file).stderr).to.equal('');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"port": 8080', '"port": 8081'));
    const edited = albkit('validate', file);
    expect(edited.status).to.equal(0);
    expect(edited.stderr).to.match(
      /^warning: .*albkit\.manifest\.json: its hash [0-9a-f]{64} does not match its content \([0-9a-f]{64}\): it was changed after albkit synth; albkit uses the content\n$/,
    );
  });

  it('validate --json prints the outcome as JSON, with every issue when invalid', () => {
    const valid = albkit('validate', QUICKSTART, '--json');
    expect(valid.status).to.equal(0);
    expect(JSON.parse(valid.stdout)).to.include({ valid: true, resources: 9 });
    const invalid = albkit('validate', join(ROOT, 'test/fixtures/apps/invalid-app.ts'), '--json');
    expect(invalid.status).to.equal(1);
    const outcome = JSON.parse(invalid.stdout) as { valid: boolean; issues: { path: string; field: string }[] };
    expect(outcome.valid).to.equal(false);
    expect(outcome.issues.map((i) => `${i.path}: ${i.field}`)).to.include.members([
      'shop/admin: port',
      'shop/https: certificate',
    ]);
  });

  it('names a missing, a broken and a throwing app module without a stack trace', () => {
    const missing = albkit('validate', join(dir, 'nope.ts'));
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.equal(`cannot read app ${join(dir, 'nope.ts')}: no such file\n`);
    writeFileSync(
      join(dir, 'broken.ts'),
      "import { App } from 'albkit';\nconst app = new App(;\nexport default app;\n",
    );
    const broken = albkit('validate', join(dir, 'broken.ts'));
    expect(broken.status).to.equal(1);
    expect(broken.stderr).to.equal(
      `cannot load app ${join(dir, 'broken.ts')}: ${join(dir, 'broken.ts')}:2:20: ERROR: Unexpected ";"\n`,
    );
    writeFileSync(join(dir, 'throws.ts'), "throw new RangeError('no servers configured');\n");
    const throws = albkit('validate', join(dir, 'throws.ts'));
    expect(throws.status).to.equal(1);
    expect(throws.stderr).to.equal(`cannot load app ${join(dir, 'throws.ts')}: RangeError: no servers configured\n`);
  });

  it('exits 2 for wrong agent options, before starting anything', () => {
    for (const args of [
      ['--drain-ms', 'soon'],
      ['--log-level', 'loud'],
      ['--control', 'localhost'],
    ]) {
      const { status, stderr } = albkit('agent', '--state-dir', join(dir, 'agent'), ...args);
      expect(status, stderr).to.equal(2);
      expect(stderr).to.include(args[0]);
    }
  });
});
