/** Terraform diagnostics: errors and warnings with the attribute path they concern. */
import { formatIssue, type Issue } from '../../lib/errors';
import { snakeCase } from './schema';

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

/** An error diagnostic for an issue of the model, at the issue's attribute. */
export function issueDiagnostic(issue: Issue, severity: Diagnostic['severity'] = 'ERROR'): Diagnostic {
  const named = { ...issue, field: attributeName(issue.field) };
  return {
    severity,
    summary: issue.field === '' ? issue.message : `${attributeName(issue.field)}: ${issue.message}`,
    detail: formatIssue(named),
    ...(issue.field === '' ? {} : { attribute: { steps: attributePath(issue.field) } }),
  };
}

/** An error diagnostic without an attribute. */
export function errorDiagnostic(summary: string, detail = ''): Diagnostic {
  return { severity: 'ERROR', summary, detail };
}
