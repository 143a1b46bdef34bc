/**
 * Redirect and rewrite templates: literal text with `#{protocol}`, `#{host}`, `#{port}`, `#{path}` and
 * `#{query}`, compiled once into parts and filled per request by concatenation.
 */

/** The parts of a request a template may name. */
export interface TemplateValues {
  /** `http` or `https`. */
  readonly protocol: string;
  /** The Host without its port, lower case. */
  readonly host: string;
  /** The listener port the client reached. */
  readonly port: string;
  /** The path as received. */
  readonly path: string;
  /** The query without `?`, as received. */
  readonly query: string;
}

type Field = keyof TemplateValues;

/** A compiled template: literals and the fields between them, alternating, starting with a literal. */
export type Template = readonly (string | Field)[];

const FIELDS: ReadonlySet<string> = new Set<Field>(['protocol', 'host', 'port', 'path', 'query']);

/** Compiles `text`; `#{…}` naming no field is kept as literal text. */
export function compileTemplate(text: string): Template {
  const parts: (string | Field)[] = [];
  let literal = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('#{', from);
    const close = open < 0 ? -1 : text.indexOf('}', open);
    if (close < 0) break;
    const name = text.slice(open + 2, close);
    if (FIELDS.has(name)) {
      parts.push(literal + text.slice(from, open), name);
      literal = '';
    } else {
      literal += text.slice(from, close + 1);
    }
    from = close + 1;
  }
  parts.push(literal + text.slice(from));
  return parts;
}

/** `template` filled with `values`. */
export function renderTemplate(template: Template, values: TemplateValues): string {
  let out = template[0] as string;
  for (let i = 1; i < template.length; i += 2) out += values[template[i] as Field] + (template[i + 1] as string);
  return out;
}
