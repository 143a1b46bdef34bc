/** Errors with stable codes that users and faces can switch on. */

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

/** Every problem a configuration has, reported together. */
export class ValidationError extends Error {
  readonly code = 'ALBKIT_VALIDATION';
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

/** Issues from a failed zod parse, each named by `path` and its field. */
export function zodIssues(
  path: string,
  error: { issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; keys?: string[] }[] },
  prefix: readonly PropertyKey[] = [],
): Issue[] {
  return error.issues.flatMap((issue) => {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => ({ path, field: fieldOf([...base, key]), message: 'unknown field' }));
    }
    return [{ path, field: fieldOf(base), message: issue.message }];
  });
}
