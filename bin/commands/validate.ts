import type { Command } from 'commander';
import type { ValidationError } from '../../lib';
import { EXIT } from '../exit';
import { loadManifest } from '../load';

/** `albkit validate <app|manifest> [--json]`: exit 0 when valid, 1 with every error on stderr (or as JSON on stdout). */
export function register(program: Command): void {
  program
    .command('validate')
    .description('validate an app or manifest; every error names its construct path and field')
    .argument('<app|manifest>', 'app module or albkit.manifest.json')
    .option('--json', 'print the outcome as JSON on stdout: {"valid":true,"resources":N,"hash":…} or {"valid":false,"issues":[{path,field,message}]}')
    .action(async (input: string, options: { json?: boolean }) => {
      if (!options.json) {
        const manifest = await loadManifest(input);
        process.stdout.write(`valid: ${manifest.resources.length} resources, sha256 ${manifest.hash}\n`);
        return;
      }
      try {
        const manifest = await loadManifest(input);
        process.stdout.write(`${JSON.stringify({ valid: true, resources: manifest.resources.length, hash: manifest.hash })}\n`);
      } catch (error) {
        // By name: an app module may have loaded its own copy of albkit.
        if ((error as Error).name !== 'ValidationError') throw error;
        process.stdout.write(`${JSON.stringify({ valid: false, issues: (error as ValidationError).issues })}\n`);
        process.exitCode = EXIT.invalid;
      }
    });
}
