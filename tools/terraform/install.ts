/**
 * Installs terraform-provider-albkit into a Terraform filesystem mirror (the unpacked layout
 * `<mirror>/registry.terraform.io/albkit/albkit/<version>/<os>_<arch>/`) and writes a CLI configuration that
 * uses it: `node dist/tools/terraform/install.js <mirror-dir> [cli-config-file]`. The installed package is
 * self-contained and path-independent: the launcher `terraform-provider-albkit_v<version>` runs
 * `dist/runtime/terraform/main.js` beside it, one bundle of the provider and its dependencies, with the
 * `.proto` files and model-docs.json at the paths the provider reads them from. So the package's hash, which
 * `terraform init` records in the dependency lock file, is the same on every machine for the same build and
 * changes with every rebuilt provider. Reinstall after a rebuild.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { PROVIDER_SOURCE } from '../../runtime/terraform/schema';

/** The package root: where package.json, runtime/terraform/proto and dist/ are. */
const PACKAGE_ROOT = resolve(__dirname, '..', '..', '..');

/** The package version, which is the provider version. */
export const PROVIDER_VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** The provider launcher this package ships, for `dev_overrides` (it runs the provider from this checkout). */
export const PROVIDER_LAUNCHER = join(PACKAGE_ROOT, 'bin', 'terraform-provider-albkit');

/** Terraform's name for this machine's platform: `linux_amd64`, `darwin_arm64`, … */
export function terraformPlatform(): string {
  const arch =
    ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[process.arch] ?? process.arch;
  return `${process.platform}_${arch}`;
}

/** The CLI configuration text that installs albkit from `mirrorDir` and every other provider as usual. */
export function cliConfig(mirrorDir: string): string {
  const address = PROVIDER_SOURCE.split('/').slice(0, 2).join('/');
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(resolve(mirrorDir))}`,
    `    include = [${JSON.stringify(`${address}/*`)}]`,
    '  }',
    '  direct {',
    `    exclude = [${JSON.stringify(`${address}/*`)}]`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The installed launcher: it finds the bundle relative to itself, and execs Node so Terraform's signals reach it. */
const LAUNCHER = `#!/bin/sh
# terraform-provider-albkit: runs the provider bundled beside this file.
exec node "$(dirname "$0")/dist/runtime/terraform/main.js" "$@"
`;

/** The package's files (path relative to the package → content), built once per process. */
let packageFiles: Map<string, string | Uint8Array> | undefined;

/** The provider bundled with its dependencies (TypeScript, used only to generate model-docs.json, is left out). */
function providerPackage(): Map<string, string | Uint8Array> {
  if (packageFiles) return packageFiles;
  const bundle = buildSync({
    entryPoints: [join(PACKAGE_ROOT, 'dist', 'runtime', 'terraform', 'main.js')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    external: ['typescript'],
    absWorkingDir: PACKAGE_ROOT,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
    outfile: join(PACKAGE_ROOT, 'dist', 'runtime', 'terraform', 'main.js'),
  });
  const files = new Map<string, string | Uint8Array>([
    ['dist/runtime/terraform/main.js', bundle.outputFiles[0]!.contents],
  ]);
  const protoDir = join('runtime', 'terraform', 'proto');
  for (const name of readdirSync(join(PACKAGE_ROOT, protoDir)).sort()) {
    files.set(`${protoDir}/${name}`, readFileSync(join(PACKAGE_ROOT, protoDir, name)));
  }
  files.set(
    'runtime/terraform/model-docs.json',
    readFileSync(join(PACKAGE_ROOT, 'runtime', 'terraform', 'model-docs.json')),
  );
  packageFiles = files;
  return files;
}

/** Writes the provider package into `mirrorDir` and returns the launcher's path. */
export function installMirror(mirrorDir: string): string {
  const dir = join(resolve(mirrorDir), PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform());
  for (const [path, content] of providerPackage()) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const file = join(dir, `terraform-provider-albkit_v${PROVIDER_VERSION}`);
  writeFileSync(file, LAUNCHER);
  chmodSync(file, 0o755);
  return file;
}

if (require.main === module) {
  const [mirrorDir, configFile] = process.argv.slice(2);
  if (!mirrorDir) {
    process.stderr.write('usage: node dist/tools/terraform/install.js <mirror-dir> [cli-config-file]\n');
    process.exit(2);
  }
  const file = installMirror(mirrorDir);
  const config = cliConfig(mirrorDir);
  if (configFile) writeFileSync(configFile, config);
  process.stdout.write(
    `installed ${file}\n${
      configFile ? `wrote ${configFile}; export TF_CLI_CONFIG_FILE=${resolve(configFile)}\n` : config
    }`,
  );
}
