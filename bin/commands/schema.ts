import type { Command } from 'commander';
import { manifestJsonSchema } from '../../lib';

/** `albkit schema`: prints the manifest's JSON Schema (committed as docs/manifest.schema.json). */
export function register(program: Command): void {
  program
    .command('schema')
    .description("print the manifest's JSON Schema, generated from the model")
    .action(() => {
      process.stdout.write(manifestSchemaText());
    });
}

/** The JSON Schema as committed: two-space indented, trailing newline. */
export function manifestSchemaText(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}
