/**
 * Terraform diagnostics: errors and warnings with the attribute path they concern, worded for Terraform users:
 * field names as they write them in HCL (`timeout_ms`, never `timeoutMs`) and zod's type errors in plain words.
 */
import { formatIssue, type Issue } from '../../lib/errors';
import { resourceSchemas, snakeCase, type AttributeSchema } from './schema';

/** One step of an attribute path, as the `AttributePath.Step` message. */
export type PathStep = { attribute_name: string } | { element_key_int: number } | { element_key_string: string };

/** A `Diagnostic` message. */
export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  summary: string;
  detail: string;
  attribute?: { steps: PathStep[] };
}

/** The attribute path of a spec field such as `servers[0].port` (→ `servers`, 0, `port`). */
export function attributePath(field: string): PathStep[] {
  return [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map(([, name, index]) =>
    name !== undefined ? { attribute_name: snakeCase(name) } : { element_key_int: Number(index) },
  );
}

/** The Terraform name of a spec field path: `servers[0].port` stays, `healthCheck.timeoutMs` → `health_check.timeout_ms`. */
export function attributeName(field: string): string {
  return field.replace(/[A-Za-z]+/g, snakeCase);
}

const TYPE_WORDS: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

const BOUND_WORDS: Record<string, string> = { '<=': 'at most', '<': 'less than', '>=': 'at least', '>': 'more than' };

/** zod's own texts in plain words: "expected int, received number" → "must be a whole number". */
export function plainWords(message: string): string {
  const type = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (type) return type[2] === 'undefined' ? 'is required' : `must be ${TYPE_WORDS[type[1]!] ?? type[1]}`;
  const option = /^Invalid option: expected one of (.+)$/.exec(message);
  if (option) return `must be one of ${option[1]!.split('|').join(', ')}`;
  const bound =
    /^Too (?:big|small): expected (number|string|array) to (?:be|have) (<=|<|>=|>)(\S+)(?: characters| items)?$/.exec(
      message,
    );
  if (bound) {
    const [, what, op, limit] = bound;
    if (what === 'number') return `must be ${BOUND_WORDS[op!]} ${limit}`;
    const noun = what === 'string' ? 'character' : 'item';
    return `must have ${BOUND_WORDS[op!]} ${limit} ${noun}${limit === '1' ? '' : 's'}`;
  }
  return message;
}

function fieldNames(attributes: readonly AttributeSchema[]): string[] {
  return attributes.flatMap((attribute) => [
    ...(attribute.field === undefined ? [] : [attribute.field]),
    ...(attribute.nested ? fieldNames(attribute.nested.attributes) : []),
  ]);
}

let camelFields: RegExp | undefined;

/** A message with the model's camelCase field names (`timeoutMs`) as Terraform's (`timeout_ms`). */
export function terraformWords(message: string): string {
  camelFields ??= new RegExp(
    `\\b(${[...new Set([...resourceSchemas().values()].flatMap((schema) => fieldNames(schema.attributes)))]
      .filter((name) => /[A-Z]/.test(name))
      .join('|')})\\b`,
    'g',
  );
  return plainWords(message).replace(camelFields, (name) => snakeCase(name));
}

/** An error diagnostic for an issue of the model, at the issue's attribute. */
export function issueDiagnostic(issue: Issue, severity: Diagnostic['severity'] = 'ERROR'): Diagnostic {
  const named = { ...issue, field: attributeName(issue.field), message: terraformWords(issue.message) };
  return {
    severity,
    summary: issue.field === '' ? named.message : `${named.field}: ${named.message}`,
    detail: formatIssue(named),
    ...(issue.field === '' ? {} : { attribute: { steps: attributePath(issue.field) } }),
  };
}

/** An error diagnostic without an attribute. */
export function errorDiagnostic(summary: string, detail = ''): Diagnostic {
  return { severity: 'ERROR', summary, detail };
}
