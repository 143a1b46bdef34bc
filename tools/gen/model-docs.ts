/**
 * The model's own words for the provider schema: reads the TSDoc of every spec field in lib/model/*.ts with
 * the TypeScript compiler (a development-time step) and writes `model-docs.json`, keyed `<Kind>.<field path>`
 * (`BackendService.healthCheck.timeoutMs`). The provider reads that file; a test fails while it is stale.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as TS from 'typescript';
import { KIND_NAMES, KINDS } from '../../lib/model/kinds';
import { MODEL_DOCS_FILE } from '../../runtime/terraform/model-docs-file';
import { generatedBy } from './banner';

const MODEL_DIR = resolve(__dirname, '..', '..', '..', 'lib', 'model');

/** A TSDoc comment's summary and its `@default`, each on one line. */
export interface DocParts {
  summary: string;
  default?: string;
}

/** The parts of the TSDoc comment of `node` (a declaration, or the statement holding one), if it has one. */
export function docParts(ts: typeof TS, node: TS.Node): DocParts | undefined {
  const doc = ts.getJSDocCommentsAndTags(node).find((item): item is TS.JSDoc => item.kind === ts.SyntaxKind.JSDoc);
  if (!doc) return undefined;
  const line = (text: string | undefined): string => (text ?? '').trim().replace(/\s+/g, ' ');
  const summary = line(ts.getTextOfJSDocComment(doc.comment));
  const tag = (doc.tags ?? []).find((item) => item.tagName.text === 'default');
  return tag ? { summary, default: line(ts.getTextOfJSDocComment(tag.comment)) } : { summary };
}

/** The text of a TSDoc comment: its summary, then `@default …` as "Default: …". */
function docText(ts: typeof TS, node: TS.Node): string | undefined {
  const parts = docParts(ts, node);
  if (!parts) return undefined;
  const defaults = parts.default === undefined ? [] : [`Default: ${parts.default}.`];
  return [parts.summary, ...defaults].filter((part) => part !== '').join(' ');
}

/** Every exported `const` of the model, by name. */
function modelConstants(ts: typeof TS): Map<string, TS.Expression> {
  const constants = new Map<string, TS.Expression>();
  for (const file of readdirSync(MODEL_DIR).filter((name) => name.endsWith('.ts'))) {
    const source = ts.createSourceFile(file, readFileSync(join(MODEL_DIR, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    source.forEachChild((statement) => {
      if (!ts.isVariableStatement(statement)) return;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.initializer)
          constants.set(declaration.name.text, declaration.initializer);
      }
    });
  }
  return constants;
}

/** The object literals that are shapes (`z.strictObject({...})`, `z.object({...})`) within a schema expression. */
function shapesIn(
  ts: typeof TS,
  expression: TS.Node,
  constants: Map<string, TS.Expression>,
  seen = new Set<string>(),
): TS.ObjectLiteralExpression[] {
  if (ts.isIdentifier(expression)) {
    const target = constants.get(expression.text);
    if (!target || seen.has(expression.text)) return [];
    return shapesIn(ts, target, constants, new Set([...seen, expression.text]));
  }
  if (ts.isCallExpression(expression)) {
    const callee = expression.expression;
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    const first = expression.arguments[0];
    if ((name === 'strictObject' || name === 'object') && first && ts.isObjectLiteralExpression(first)) return [first];
    if (name === 'default' || name === 'refine' || name === 'superRefine') return shapesIn(ts, callee, constants, seen);
    return [callee, ...expression.arguments].flatMap((part) => shapesIn(ts, part, constants, seen));
  }
  if (ts.isPropertyAccessExpression(expression)) return shapesIn(ts, expression.expression, constants, seen);
  if (ts.isArrayLiteralExpression(expression))
    return expression.elements.flatMap((part) => shapesIn(ts, part, constants, seen));
  return [];
}

function collect(
  ts: typeof TS,
  shapes: TS.ObjectLiteralExpression[],
  prefix: string,
  constants: Map<string, TS.Expression>,
  out: Record<string, string>,
): void {
  for (const shape of shapes) {
    for (const property of shape.properties) {
      if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
      const path = `${prefix}.${property.name.text}`;
      const text = docText(ts, property);
      if (text) out[path] = text;
      collect(ts, shapesIn(ts, property.initializer, constants), path, constants, out);
    }
  }
}

/** The TSDoc of every spec field of every kind, keyed `<Kind>.<field path>`. */
export function readModelDocs(): Record<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof TS;
  const constants = modelConstants(ts);
  const out: Record<string, string> = {};
  for (const kind of KIND_NAMES) {
    const name = [...constants.keys()].find((key) => key === `${kind}Spec`);
    if (!name || !KINDS[kind]) throw new Error(`${kind}: no ${kind}Spec in lib/model`);
    collect(ts, shapesIn(ts, constants.get(name)!, constants), kind, constants, out);
  }
  return out;
}

/** The documentation file's text: the banner (key `//`), then the docs. */
export function modelDocsText(): string {
  return `${JSON.stringify({ '//': generatedBy('tools/gen/model-docs.ts'), ...readModelDocs() }, null, 2)}\n`;
}

/** Writes `model-docs.json`. */
export function writeModelDocs(): void {
  writeFileSync(MODEL_DOCS_FILE, modelDocsText());
}
