import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';

const ROOT = join(__dirname, '../../..');
const ROUTING = join(ROOT, 'examples/routing/app.ts');

/** Runs the built `albkit` command as a process. */
function albkit(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'dist/bin/albkit.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('albkit CLI with examples/routing/app.ts', function () {
  this.timeout(60_000);

  it('validates the routing example', () => {
    const { status, stderr } = albkit('validate', ROUTING);
    expect(status, stderr).to.equal(0);
  });

  it('graph puts the url maps after the backend services and before the listeners naming them, destroy reversed', () => {
    const { status, stdout, stderr } = albkit('graph', ROUTING, '--format', 'json');
    expect(status, stderr).to.equal(0);
    const graph = JSON.parse(stdout) as { create: string[][]; destroy: string[][] };
    const waveOf = (id: string) => graph.create.findIndex((wave) => wave.includes(id));
    expect(waveOf('shop/https/rules')).to.be.greaterThan(waveOf('shop/canary'));
    expect(waveOf('shop/https/rules')).to.be.lessThan(waveOf('shop/https'));
    expect(waveOf('shop/redirect-8080/rules')).to.be.lessThan(waveOf('shop/redirect-8080'));
    expect(graph.destroy).to.deep.equal([...graph.create].reverse());
    expect(albkit('graph', ROUTING).stdout).to.contain('shop/https/rules (UrlMap)');
  });

  it('plan shows the url maps to create with their rules, in the wave after their backend services', () => {
    const dir = mkdtempSync(join(tmpdir(), 'albkit-routing-'));
    try {
      const empty = join(dir, 'empty.json');
      writeFileSync(empty, JSON.stringify({ apiVersion: 'albkit/v1', resources: [] }));
      const { status, stdout, stderr } = albkit('plan', ROUTING, '--from', empty);
      expect(status, stderr).to.equal(0);
      expect(stdout).to.contain('+ create UrlMap shop/https/rules');
      expect(stdout).to.contain('rules[3].action.weightedForward.targets[1].weight: 10');
      expect(stdout.indexOf('+ create BackendService shop/canary')).to.be.lessThan(
        stdout.indexOf('+ create UrlMap shop/https/rules'),
      );
      expect(stdout.indexOf('+ create UrlMap shop/https/rules')).to.be.lessThan(
        stdout.indexOf('+ create Listener shop/https'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
