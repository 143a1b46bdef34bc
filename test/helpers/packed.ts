/**
 * albkit as a user installs it: `npm pack` of the built repository, unpacked into `node_modules/albkit` of a
 * temporary project whose other dependencies link to this repository's. Modules load through the package's
 * `exports` map, exactly as `require('albkit/pulumi')` does in a user's Pulumi program.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root, from dist/test/helpers. */
export const REPO = resolve(__dirname, '../../..');

export interface PackedProject {
  /** The temporary project's directory. */
  dir: string;
  /** `require` from inside the project. */
  require: NodeJS.Require;
  /** Removes the project. */
  remove(): void;
}

/**
 * The packages `npm install albkit` installs beside it (at the top of node_modules): those of the lock file not
 * marked `dev`, so neither development tools nor the optional peers `cdktf` and `@pulumi/pulumi`.
 */
export function productionPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const names = Object.entries(lock.packages)
    .filter(
      ([path, entry]) =>
        path.startsWith('node_modules/') &&
        !path.slice('node_modules/'.length).includes('node_modules/') &&
        entry.dev !== true,
    )
    .map(([path]) => path.slice('node_modules/'.length));
  return new Set(names);
}

/**
 * Packs the repository and installs the tarball into a new temporary project, with `node_modules/.bin/albkit`.
 * @param linked whether the project gets the repository's package `name` (`@scope/name` for a scoped one). @default every package
 */
export function installPacked(linked: (name: string) => boolean = () => true): PackedProject {
  const dir = mkdtempSync(join(tmpdir(), 'albkit-packed-'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: REPO,
      encoding: 'utf8',
    }),
  ) as { filename: string }[];
  const modules = join(dir, 'node_modules');
  const target = join(modules, 'albkit');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, packed!.filename), '-C', target, '--strip-components=1']);
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry.startsWith('.') || entry === 'albkit') continue;
    if (!entry.startsWith('@')) {
      if (linked(entry)) symlinkSync(join(REPO, 'node_modules', entry), join(modules, entry));
      continue;
    }
    for (const name of readdirSync(join(REPO, 'node_modules', entry))
      .map((inScope) => `${entry}/${inScope}`)
      .filter(linked)) {
      mkdirSync(join(modules, entry), { recursive: true });
      symlinkSync(join(REPO, 'node_modules', name), join(modules, name));
    }
  }
  // As npm links a package's bin: executable, in node_modules/.bin.
  chmodSync(join(target, 'dist', 'bin', 'albkit.js'), 0o755);
  mkdirSync(join(modules, '.bin'));
  symlinkSync(join('..', 'albkit', 'dist', 'bin', 'albkit.js'), join(modules, '.bin', 'albkit'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'albkit-user', private: true, dependencies: { albkit: packed!.filename } }),
  );
  return {
    dir,
    require: createRequire(join(dir, 'index.js')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
