/**
 * The CDKTF L1 bindings, made from the provider schema after a model change: constructs/cdktf/gen/ holds the
 * `providers schema -json` document (`provider-schema.json`) and the bindings `@cdktf/provider-generator` makes
 * from it, each file starting with the banner naming this generator. `npm run gen` rewrites them; a test fails
 * while they are stale.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PROVIDER_SOURCE } from '../../runtime/terraform/schema';
import { providerSchemaDocument } from '../../runtime/terraform/schema-forms';
import { PROVIDER_VERSION } from '../terraform/install';
import { generatedBy } from './banner';

const BANNER = generatedBy('tools/gen/bindings.ts');

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

/** Marks the overrides of every binding under `dir` and starts it with the banner. */
async function finishBindingsIn(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    await writeFile(file, `// ${BANNER}\n${markOverrides(await readFile(file, 'utf8'))}`);
  }
}

/** Regenerates the schema document and the bindings into `outDir` (emptied first). */
export async function generateBindings(outDir: string = BINDINGS_DIR): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const generator = require('@cdktf/provider-generator') as typeof import('@cdktf/provider-generator');
  const document = providerSchemaDocument();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'provider-schema.json'), `${JSON.stringify({ '//': BANNER, ...document }, null, 2)}\n`);
  const code = new generator.CodeMaker();
  // The version constraint lands in the synthesized `required_providers`, which `cdktf deploy` requires.
  const constraint = new generator.TerraformProviderConstraint(`${PROVIDER_SOURCE}@${PROVIDER_CONSTRAINT}`);
  new generator.TerraformProviderGenerator(code, document).generate(constraint as never);
  await code.save(outDir);
  await finishBindingsIn(outDir);
}
