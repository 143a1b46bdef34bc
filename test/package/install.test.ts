/**
 * `npm i albkit` for the CLI: the package's dependencies are what its shipped code uses, and `cdktf` and
 * `@pulumi/pulumi` are optional peers, installed only by projects that use those faces. The tarball of
 * `npm pack` goes into a project that has only the production packages of the lock file beside it, as
 * `npm install` would lay them out, and the CLI runs there.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPacked, productionPackages, REPO, type PackedProject } from '../helpers/packed';

interface PackageJson {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const OPTIONAL_PEERS = ['cdktf', '@pulumi/pulumi'];

describe('The albkit package installed without its optional peers', function () {
  this.timeout(120_000);
  let project: PackedProject;

  before(() => {
    const production = productionPackages();
    project = installPacked((name) => production.has(name));
  });
  after(() => project?.remove());

  it('declares cdktf and @pulumi/pulumi as optional peer dependencies, not as dependencies', () => {
    const pkg = JSON.parse(
      readFileSync(join(project.dir, 'node_modules', 'albkit', 'package.json'), 'utf8'),
    ) as PackageJson;
    expect(pkg.dependencies).to.not.have.any.keys(...OPTIONAL_PEERS);
    expect(pkg.peerDependencies).to.have.all.keys(...OPTIONAL_PEERS);
    expect(pkg.peerDependenciesMeta).to.deep.equal({ cdktf: { optional: true }, '@pulumi/pulumi': { optional: true } });
  });

  it('has neither the optional peers nor the packages only tests and benchmarks use beside it', () => {
    const absent = [...OPTIONAL_PEERS, 'undici', 'selfsigned', 'typescript', 'jsii'];
    expect(absent.filter((name) => existsSync(join(project.dir, 'node_modules', name)))).to.deep.equal([]);
  });

  it('runs `npx albkit validate` on a TypeScript app', () => {
    copyFileSync(join(REPO, 'examples', 'basic', 'app.ts'), join(project.dir, 'app.ts'));
    const run = spawnSync('npx', ['--no', 'albkit', 'validate', 'app.ts'], {
      cwd: project.dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.match(/^valid: 5 resources, sha256 [0-9a-f]{64}\n$/);
    expect(run.status).to.equal(0);
  });

  it('names the missing peer when a program loads albkit/cdktf without it', () => {
    writeFileSync(join(project.dir, 'cdktf-face.js'), "require('albkit/cdktf');\n");
    const run = spawnSync(process.execPath, ['cdktf-face.js'], { cwd: project.dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/Cannot find module 'cdktf'/);
  });
});
