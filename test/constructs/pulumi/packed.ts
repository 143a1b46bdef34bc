/**
 * albkit as a user installs it: `npm pack` of the built repository, unpacked into `node_modules/albkit` of a
 * temporary project whose other dependencies link to this repository's. Modules load through the package's
 * `exports` map, exactly as `require('albkit/pulumi')` does in a user's Pulumi program.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root, from dist/test/constructs/pulumi. */
export const REPO = resolve(__dirname, '../../../..');

export interface PackedProject {
  /** The temporary project's directory. */
  dir: string;
  /** `require` from inside the project. */
  require: NodeJS.Require;
  /** Removes the project. */
  remove(): void;
}

/** Packs the repository and installs the tarball into a new temporary project. */
export function installPacked(): PackedProject {
  const dir = mkdtempSync(join(tmpdir(), 'albkit-packed-'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8' }),
  ) as { filename: string }[];
  const modules = join(dir, 'node_modules');
  const target = join(modules, 'albkit');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, packed!.filename), '-C', target, '--strip-components=1']);
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry.startsWith('.') || entry === 'albkit') continue;
    symlinkSync(join(REPO, 'node_modules', entry), join(modules, entry));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'albkit-user', private: true, dependencies: { albkit: packed!.filename } }));
  return { dir, require: createRequire(join(dir, 'index.js')), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
