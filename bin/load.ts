/**
 * Loads what the CLI is pointed at: an app module (`.ts`, `.mts`, `.js`…) whose default export is an `App`,
 * loaded without a build step, or a manifest `.json` file.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AlbkitError, App, validateManifest, type Manifest } from '../index';

/** An error in what the user pointed the CLI at (exit code 1), as opposed to a usage error. */
export class InputError extends AlbkitError {
  readonly code = 'ALBKIT_INPUT';
}

/**
 * The manifest of an app module or manifest file. Throws `ValidationError` or `InputError`; warns on stderr when a
 * manifest file's `hash` no longer matches its content (edited by hand).
 */
export async function loadManifest(path: string): Promise<Manifest> {
  const file = resolve(path);
  if (file.endsWith('.json')) {
    const document = await readJson(file);
    const manifest = validateManifest(document);
    const written = (document as { hash?: unknown }).hash;
    if (typeof written === 'string' && written !== manifest.hash) {
      process.stderr.write(
        `warning: ${file}: its hash ${written} does not match its content (${manifest.hash}): it was changed after albkit synth; albkit uses the content\n`,
      );
    }
    return manifest;
  }
  return (await loadApp(file)).synth();
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Imports an app module and returns its default export, which must be an `App`. */
export async function loadApp(file: string): Promise<App> {
  if (!(await isFile(file))) throw new InputError(`cannot read app ${file}: no such file`);
  let module: { default?: unknown };
  try {
    if (/\.[mc]?ts$/.test(file)) {
      const { tsImport } = await import('tsx/esm/api');
      module = (await tsImport(pathToFileURL(file).href, __filename)) as { default?: unknown };
    } else {
      module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    }
  } catch (error) {
    if ((error as { name?: string }).name === 'ValidationError') throw error;
    throw new InputError(`cannot load app ${file}: ${loadFailure(error)}`);
  }
  const app = unwrapDefault(module);
  if (!isApp(app)) {
    throw new InputError(`${file} must have an App as its default export (export default app)`);
  }
  return app;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() === true;
}

/**
 * Why an app module did not load, without the loader's stack: a compile error as `file:line:col: message`
 * (what the TypeScript transform reports), any other error as `Name: message`.
 */
function loadFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const compile = /^Transform failed with \d+ errors?:\n([\s\S]*)$/.exec(error.message);
  if (compile) return compile[1]!.trim();
  return `${error.name}: ${error.message}`;
}

/** CommonJS/ESM interop can nest the default export one level down. */
function unwrapDefault(module: { default?: unknown }): unknown {
  const first = module.default;
  if (first && typeof first === 'object' && 'default' in first && !isApp(first)) return first.default;
  return first;
}

/** An App, even when the app module resolved its own copy of albkit. */
function isApp(x: unknown): x is App {
  if (x instanceof App) return true;
  const candidate = x as { synth?: unknown; node?: { findAll?: unknown } } | undefined;
  return typeof candidate?.synth === 'function' && typeof candidate.node?.findAll === 'function';
}
