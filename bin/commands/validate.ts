import type { Command } from 'commander';
import { loadManifest } from '../load';

/** `albkit validate <app|manifest>`: exit 0 when valid, 1 with every error on stderr. */
export function register(program: Command): void {
  program
    .command('validate')
    .description('validate an app or manifest; every error names its construct path and field')
    .argument('<app|manifest>', 'app module or albkit.manifest.json')
    .action(async (input: string) => {
      const manifest = await loadManifest(input);
      process.stdout.write(`valid: ${manifest.resources.length} resources, sha256 ${manifest.hash}\n`);
    });
}
