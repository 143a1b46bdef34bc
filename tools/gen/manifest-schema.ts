/** The manifest's JSON Schema as committed at docs/manifest.schema.json: the model's, with the banner as `$comment`. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { manifestJsonSchema } from '../../lib';
import { generatedBy } from './banner';

/** The committed schema file. */
export const MANIFEST_SCHEMA_FILE = resolve(__dirname, '..', '..', '..', 'docs', 'manifest.schema.json');

/** The file's text: two-space indented, the banner after `$schema`, a trailing newline. */
export function manifestSchemaFileText(): string {
  const { $schema, ...schema } = manifestJsonSchema();
  return `${JSON.stringify({ $schema, $comment: generatedBy('tools/gen/manifest-schema.ts'), ...schema }, null, 2)}\n`;
}

/** Writes docs/manifest.schema.json. */
export function writeManifestSchema(): void {
  writeFileSync(MANIFEST_SCHEMA_FILE, manifestSchemaFileText());
}
