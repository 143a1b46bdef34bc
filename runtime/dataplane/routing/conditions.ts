/**
 * A rule's conditions other than host and path (which the matcher indexes), compiled once per url map change
 * into one predicate: methods (a set), source CIDRs (number ranges), header globs (compiled, see glob.ts) and
 * query pairs. Each condition given must hold; within one, any of its values will do, except `headers`, where
 * every entry must hold (any field of that name whose value matches one of the entry's values).
 */
import type { RuleConditions } from '../../../lib';
import { cidrRange } from '../../../lib/net';
import { compileGlob, type GlobMatcher } from './glob';
import { clientAddress, queryPairs, type RequestView } from './request-view';

/** Whether a request meets the compiled conditions. */
export type ConditionCheck = (view: RequestView) => boolean;

interface HeaderCheck {
  /** The header name, lower case. */
  readonly name: string;
  readonly values: readonly GlobMatcher[];
}

/** Compiles the methods, source CIDRs, headers and queries of `conditions`; undefined when it has none of them. */
export function compileConditions(conditions: RuleConditions): ConditionCheck | undefined {
  const checks: ConditionCheck[] = [];
  if (conditions.methods !== undefined) {
    const methods = new Set<string>(conditions.methods);
    checks.push((view) => methods.has(view.method));
  }
  if (conditions.sourceCidrs !== undefined) {
    const ranges = conditions.sourceCidrs.map(cidrRange);
    checks.push((view) => {
      const address = clientAddress(view);
      return ranges.some((range) => address >= range.first && address <= range.last);
    });
  }
  if (conditions.headers !== undefined) {
    const headers: HeaderCheck[] = conditions.headers.map((header) => ({
      name: header.name.toLowerCase(),
      values: header.values.map(compileGlob),
    }));
    checks.push((view) => headers.every((header) => headerHolds(view.raw, header)));
  }
  if (conditions.queries !== undefined) {
    const queries = conditions.queries;
    checks.push((view) => {
      const pairs = queryPairs(view);
      return queries.some((query) => hasPair(pairs, query.key, query.value));
    });
  }
  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0];
  return (view) => checks.every((check) => check(view));
}

function headerHolds(raw: readonly string[], header: HeaderCheck): boolean {
  const { name, values } = header;
  for (let i = 0; i < raw.length; i += 2) {
    const field = raw[i]!;
    if (field.length !== name.length || field.toLowerCase() !== name) continue;
    const value = raw[i + 1]!;
    for (const matches of values) if (matches(value)) return true;
  }
  return false;
}

function hasPair(pairs: readonly string[], key: string, value: string): boolean {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === key && pairs[i + 1] === value) return true;
  return false;
}
