/**
 * The installed provider package pins what it runs: `terraform init` from mirrors in two different
 * directories records the same hash in the dependency lock file, the package holds no path of this checkout,
 * and a provider whose code differs (a rebuild) records another hash.
 */
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { findTerraform, terraformDir, type TerraformDir, skipWithoutTerraform } from './terraform-helpers';

const CONFIG = `terraform {
  required_providers {
    albkit = { source = "albkit/albkit" }
  }
}
`;

/** Every file below `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** `terraform init` in `tf`; resolves with the albkit provider's hashes from the lock file. */
async function lockedHashes(tf: TerraformDir): Promise<string[]> {
  await mkdir(tf.dir, { recursive: true });
  await writeFile(join(tf.dir, 'main.tf'), CONFIG);
  await tf.run(['init', '-input=false', '-no-color']);
  const lock = await readFile(join(tf.dir, '.terraform.lock.hcl'), 'utf8');
  return [...lock.matchAll(/"(h1:[^"]+)"/g)].map(([, hash]) => hash!);
}

describe('Terraform CLI: the dependency lock file pins the provider', function () {
  this.timeout(120_000);
  const terraform = findTerraform();
  const dirs: TerraformDir[] = [];

  before(function () {
    skipWithoutTerraform(this, terraform, 'the Terraform CLI tests need Terraform >= 1.5');
  });

  after(async () => {
    for (const dir of dirs) await dir.remove();
  });

  async function freshDir(): Promise<TerraformDir> {
    const dir = await terraformDir(terraform!);
    dirs.push(dir);
    return dir;
  }

  it('records the same hash for installs in two directories, and another for a provider whose code differs', async () => {
    const [one, two, rebuilt] = [await freshDir(), await freshDir(), await freshDir()];
    const first = await lockedHashes(one);
    expect(first).to.have.length(1);
    expect(await lockedHashes(two)).to.deep.equal(first);

    const mirror = join(rebuilt.dir, '..', 'mirror');
    const files = await filesUnder(mirror);
    const root = join(__dirname, '..', '..', '..', '..');
    for (const file of files) expect(await readFile(file, 'utf8'), file).to.not.include(root);
    const bundle = files.find((file) => file.endsWith(join('dist', 'runtime', 'terraform', 'main.js')));
    expect(bundle, 'the provider bundle is in the package').to.not.equal(undefined);
    await appendFile(bundle!, '\n// rebuilt\n');
    const changed = await lockedHashes(rebuilt);
    expect(changed).to.have.length(1);
    expect(changed).to.not.deep.equal(first);
  });
});
