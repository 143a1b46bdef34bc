/** The committed L1 bindings are what the generator makes from the provider schema today. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { BINDINGS_DIR, generateBindings } from '../../../runtime/terraform/generate-bindings';

async function filesUnder(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = new Map<string, string>();
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), await readFile(path, 'utf8'));
  }
  return files;
}

describe('CDKTF L1 bindings', function () {
  this.timeout(60_000);
  let fresh: string;
  after(async () => fresh && rm(fresh, { recursive: true, force: true }));

  it('are up to date with the provider schema (regenerate: node dist/runtime/terraform/generate-bindings.js)', async () => {
    fresh = await mkdtemp(join(tmpdir(), 'albkit-gen-'));
    await generateBindings(fresh);
    const [expected, committed] = await Promise.all([filesUnder(fresh), filesUnder(BINDINGS_DIR)]);
    expect([...committed.keys()].sort()).to.deep.equal([...expected.keys()].sort());
    for (const [path, text] of expected) expect(committed.get(path), `${path} is stale`).to.equal(text);
  });
});
