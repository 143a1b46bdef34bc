/**
 * Installs terraform-provider-albkit into a Terraform filesystem mirror (the unpacked layout
 * `<mirror>/registry.terraform.io/albkit/albkit/<version>/<os>_<arch>/terraform-provider-albkit_v<version>`) and
 * writes a CLI configuration that uses it: `node dist/runtime/terraform/install.js <mirror-dir> [cli-config-file]`.
 * The installed file is a small launcher that execs this package's provider, so a rebuild needs no reinstall.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROVIDER_SOURCE } from './schema';

/** The package version, which is the provider version. */
export const PROVIDER_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** The provider launcher this package ships. */
export const PROVIDER_LAUNCHER = resolve(__dirname, '..', '..', '..', 'bin', 'terraform-provider-albkit');

/** Terraform's name for this machine's platform: `linux_amd64`, `darwin_arm64`, … */
export function terraformPlatform(): string {
  const arch = ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[process.arch] ?? process.arch;
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

/** Writes the launcher into `mirrorDir` and returns its path. */
export function installMirror(mirrorDir: string): string {
  const dir = join(resolve(mirrorDir), PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform());
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `terraform-provider-albkit_v${PROVIDER_VERSION}`);
  writeFileSync(file, `#!/bin/sh\nexec ${JSON.stringify(PROVIDER_LAUNCHER)} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

if (require.main === module) {
  const [mirrorDir, configFile] = process.argv.slice(2);
  if (!mirrorDir) {
    process.stderr.write('usage: node dist/runtime/terraform/install.js <mirror-dir> [cli-config-file]\n');
    process.exit(2);
  }
  const file = installMirror(mirrorDir);
  const config = cliConfig(mirrorDir);
  if (configFile) writeFileSync(configFile, config);
  process.stdout.write(`installed ${file}\n${configFile ? `wrote ${configFile}; export TF_CLI_CONFIG_FILE=${resolve(configFile)}\n` : config}`);
}
