import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { manifestText } from '../../lib';
import { loadManifest } from '../load';

/** `albkit synth <app> [-o dir|-]`: writes `albkit.manifest.json`, or (`-o -`) prints the manifest. */
export function register(program: Command): void {
  program
    .command('synth')
    .description('synthesize an app into albkit.manifest.json')
    .argument('<app>', 'app module (.ts or .js) whose default export is an App')
    .option('-o, --out <dir>', 'output directory; - prints the manifest on stdout instead', '.')
    .action(async (app: string, options: { out: string }) => {
      const manifest = await loadManifest(app);
      if (options.out === '-') {
        process.stdout.write(manifestText(manifest));
        return;
      }
      await mkdir(options.out, { recursive: true });
      const file = join(options.out, 'albkit.manifest.json');
      await writeFile(file, manifestText(manifest));
      process.stdout.write(`${file} (${manifest.resources.length} resources, sha256 ${manifest.hash})\n`);
    });
}
