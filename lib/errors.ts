/** Errors with stable codes that users and faces can switch on. */
import { closestName, fieldsAt } from './suggest';

/** One problem found in a configuration: where (construct path or resource id), which field, what is wrong. */
export interface Issue {
  /** The construct path or resource id, such as `web/http`. */
  path: string;
  /** The field, such as `port` or `healthCheck.timeoutMs`; empty for the resource as a whole. */
  field: string;
  /** What is wrong and, where it helps, how to fix it. */
  message: string;
}

/** Formats an issue as `<path>: <field>: <message>`. */
export function formatIssue(issue: Issue): string {
  return [issue.path, issue.field, issue.message].filter((part) => part !== '').join(': ');
}

/**
 * The brand of every albkit error: the same symbol in every copy of albkit (`Symbol.for`), so an error made by
 * another copy (an app's own albkit, a Pulumi provider's serialized text) is still recognized.
 */
export const ALBKIT_ERROR: unique symbol = Symbol.for('albkit.error');

/**
 * The base of every error albkit throws at its users: a stable `code` to switch on (docs/errors.md lists
 * them all) and the brand `isAlbkitError` tests.
 */
export abstract class AlbkitError extends Error {
  /** The stable code to switch on, such as `ALBKIT_VALIDATION` or, from the control API, `CONFLICT`. */
  abstract readonly code: string;
  /** The brand; see `ALBKIT_ERROR`. */
  readonly [ALBKIT_ERROR] = true;
}

/** Whether `value` is an albkit error, from this copy of albkit or any other: branded, with a string `code`. */
export function isAlbkitError(value: unknown): value is Error & { readonly code: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [ALBKIT_ERROR]?: unknown })[ALBKIT_ERROR] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** Every problem a configuration has, reported together. */
export class ValidationError extends AlbkitError {
  /** The stable code to switch on. */
  readonly code = 'ALBKIT_VALIDATION';
  /** @param issues - every problem found, each with its path and field */
  constructor(readonly issues: readonly Issue[]) {
    super(
      `${issues.length} validation error${issues.length === 1 ? '' : 's'}:\n` +
        issues.map((issue) => `  ${formatIssue(issue)}`).join('\n'),
    );
    this.name = 'ValidationError';
  }
}

/** Turns a zod issue path (`['servers', 0, 'port']`) into a field string (`servers[0].port`). */
export function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** A zod issue, as much of it as `zodIssues` reads. */
interface ZodIssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  /** The unknown keys of an `unrecognized_keys` issue. */
  keys?: readonly string[];
  /** The issues of each branch of an `invalid_union` issue, paths relative to the union's value. */
  errors?: readonly (readonly ZodIssueLike[])[];
}

/**
 * Issues from a failed zod parse, each named by `path` and its field. An unknown key is reported per key; a
 * value no branch of a union accepts (a certificate with `certPem` but no `keyPem`) is reported with the
 * issues of the branch it came closest to, so each names its field instead of a bare "Invalid input". Given
 * the `schema` parsed against (with `prefix`, the path within it), an unknown field that misspells a known
 * one says which: `unknown field; did you mean "intervalMs"?`.
 */
export function zodIssues(
  path: string,
  error: { issues: readonly ZodIssueLike[] },
  prefix: readonly PropertyKey[] = [],
  schema?: Parameters<typeof fieldsAt>[0],
): Issue[] {
  return error.issues.flatMap((issue) => {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      const known = schema ? fieldsAt(schema, base) : [];
      return issue.keys.map((key) => {
        const meant = closestName(key, known);
        return {
          path,
          field: fieldOf([...base, key]),
          message: meant ? `unknown field; did you mean "${meant}"?` : 'unknown field',
        };
      });
    }
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
      const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
      return zodIssues(path, { issues: closest }, base, schema);
    }
    return [{ path, field: fieldOf(base), message: issue.message }];
  });
}

/**
 * Options for `safeParse` of the model's schemas: a missing field reads "is required" (zod's own text is
 * "Invalid input: expected string, received undefined"). Messages the schemas set themselves take precedence.
 */
export const PARSE_OPTIONS = {
  error: (issue: { code?: string; input?: unknown }): string | undefined =>
    issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined,
};
