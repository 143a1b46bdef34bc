/**
 * Regenerates what the provider schema is made from and made into, after a model change:
 * `npm run build && node dist/runtime/terraform/generate-bindings.js` writes runtime/terraform/model-docs.json
 * (the model's TSDoc), then constructs/cdktf/gen/: the `providers schema -json` document
 * (`provider-schema.json`) and the CDKTF L1 bindings `@cdktf/provider-generator` makes from it. Tests fail while
 * either is stale.
 */
import { writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PROVIDER_VERSION } from './install';
import { MODEL_DOCS_FILE, modelDocsText } from './model-docs';
import { PROVIDER_SOURCE } from './schema';
import { providerSchemaDocument } from './schema-forms';

/** The provider versions the bindings accept: this minor release line. */
export const PROVIDER_CONSTRAINT = `~> ${PROVIDER_VERSION.split('.').slice(0, 2).join('.')}`;

/** Where the committed bindings live. */
export const BINDINGS_DIR = resolve(__dirname, '..', '..', '..', 'constructs', 'cdktf', 'gen');

/**
 * The generator's output predates `noImplicitOverride`, which this project compiles with: mark the members it
 * overrides (cdktf's `synthesize*Attributes`, `ComplexList`'s constructor parameters, the provider's `alias`).
 */
export function markOverrides(source: string): string {
  return source
    .replace(/protected (synthesizeAttributes|synthesizeHclAttributes)\(/g, 'protected override $1(')
    .replace(/protected (terraformResource|terraformAttribute|wrapsSet):/g, 'protected override $1:')
    .replace(/public (get|set) alias\(/g, 'public override $1 alias(');
}

async function markOverridesIn(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    await writeFile(file, markOverrides(await readFile(file, 'utf8')));
  }
}

/** Regenerates the schema document and the bindings into `outDir` (emptied first). */
export async function generateBindings(outDir: string = BINDINGS_DIR): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const generator = require('@cdktf/provider-generator') as typeof import('@cdktf/provider-generator');
  const document = providerSchemaDocument();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'provider-schema.json'), `${JSON.stringify(document, null, 2)}\n`);
  const code = new generator.CodeMaker();
  // The version constraint lands in the synthesized `required_providers`, which `cdktf deploy` requires.
  const constraint = new generator.TerraformProviderConstraint(`${PROVIDER_SOURCE}@${PROVIDER_CONSTRAINT}`);
  new generator.TerraformProviderGenerator(code, document as never).generate(constraint as never);
  await code.save(outDir);
  await markOverridesIn(outDir);
}

if (require.main === module) {
  const outDir = process.argv[2] ?? BINDINGS_DIR;
  writeFileSync(MODEL_DOCS_FILE, modelDocsText());
  generateBindings(outDir).then(
    () => process.stdout.write(`wrote ${outDir}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
