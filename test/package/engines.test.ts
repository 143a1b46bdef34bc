/**
 * albkit promises Node 20 (package.json `engines`): every package npm installs for it, dependencies of
 * dependencies and development tools included, must accept the oldest Node that range allows.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const REPO = join(__dirname, '..', '..', '..');

interface PackageJson {
  name?: string;
  version?: string;
  engines?: { node?: string };
}

function readPackage(dir: string): PackageJson | undefined {
  const file = join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PackageJson) : undefined;
}

/** Every installed package below `modules` (scoped and nested ones too). */
function installed(
  modules: string,
  into: Array<{ dir: string; pkg: PackageJson }> = [],
): Array<{ dir: string; pkg: PackageJson }> {
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(modules, entry.name);
    if (entry.name.startsWith('@')) {
      installed(dir, into);
      continue;
    }
    const pkg = readPackage(dir);
    if (pkg !== undefined) into.push({ dir, pkg });
    const nested = join(dir, 'node_modules');
    if (existsSync(nested)) installed(nested, into);
  }
  return into;
}

describe('Package engines', () => {
  it('has every installed package accept the oldest Node that albkit supports', () => {
    const range = readPackage(REPO)?.engines?.node;
    expect(range, 'package.json engines.node').to.be.a('string');
    const oldest = semver.minVersion(range!)!.version;
    expect(semver.major(oldest)).to.equal(20);
    const refusing = installed(join(REPO, 'node_modules'))
      .filter(({ pkg }) => pkg.engines?.node !== undefined && !semver.satisfies(oldest, pkg.engines.node))
      .map(({ pkg }) => `${pkg.name}@${pkg.version} needs node ${pkg.engines!.node}`);
    expect(refusing, `packages that refuse Node ${oldest}`).to.deep.equal([]);
  });
});
