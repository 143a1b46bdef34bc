/**
 * `npm run gen`: every generated file of the repository, after a model change, in the order they feed each
 * other: the model's TSDoc (runtime/terraform/model-docs.json, which the provider schema reads), the CDKTF
 * bindings made from that schema (constructs/cdktf/gen/), the manifest's JSON Schema (docs/manifest.schema.json),
 * the props reference (docs/constructs.md).
 * Tests fail while any of them is stale.
 */
import { BINDINGS_DIR, generateBindings } from './bindings';
import { CONSTRUCTS_DOCS_FILE, writeConstructsDocs } from './constructs-docs';
import { MANIFEST_SCHEMA_FILE, writeManifestSchema } from './manifest-schema';
import { MODEL_DOCS_FILE } from '../../runtime/terraform/model-docs-file';
import { writeModelDocs } from './model-docs';

async function generateAll(): Promise<void> {
  writeModelDocs();
  process.stdout.write(`wrote ${MODEL_DOCS_FILE}\n`);
  await generateBindings();
  process.stdout.write(`wrote ${BINDINGS_DIR}\n`);
  writeManifestSchema();
  process.stdout.write(`wrote ${MANIFEST_SCHEMA_FILE}\n`);
  writeConstructsDocs();
  process.stdout.write(`wrote ${CONSTRUCTS_DOCS_FILE}\n`);
}

generateAll().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
