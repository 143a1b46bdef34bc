/**
 * The url map matcher: a url map's rules compiled once per change, so that a request finds its rule with a
 * few Map look-ups and a walk of its path, never a regular expression.
 *
 * Rules are put in priority order and indexed by host: an exact name has its own bucket (its rules, the
 * wildcard rules whose suffix it ends in, and the rules without a host condition, all merged at compile
 * time), a wildcard suffix (`*.example.com`: one label before `.example.com`) its own, and a request whose
 * host is neither gets the rules without a host condition. In its bucket, rules are indexed by path: exact
 * paths in a Map, prefixes (`/api/*`, stored as `/api/`) in a character trie walked along the request's path,
 * and the rules without a path condition in one list. Each list is in priority order; the first rule of each
 * list whose remaining conditions hold (conditions.ts) is a candidate, checked only up to the best one so far,
 * and the lowest candidate wins: exactly the rule a plain scan in priority order would pick (a property test
 * checks this on random rule sets and requests).
 */
import type { Rule } from '../../../lib';
import { compileConditions, type ConditionCheck } from './conditions';
import type { RequestView } from './request-view';

/** One rule as the matcher holds it. */
export interface IndexedRule {
  /** Its position in priority order: the lower, the earlier it is tried. */
  readonly order: number;
  readonly rule: Rule;
  /** Its methods, source, header and query conditions; undefined when it has none. */
  readonly check: ConditionCheck | undefined;
}

interface TrieNode {
  readonly children: Map<number, TrieNode>;
  /** The rules whose prefix ends at this node, in priority order. */
  rules: IndexedRule[];
}

interface PathIndex {
  readonly exact: Map<string, IndexedRule[]>;
  readonly prefixes: TrieNode;
  readonly anyPath: IndexedRule[];
}

/** The compiled rules of one url map. */
export interface UrlMatcher {
  /** The rules in priority order. */
  readonly rules: readonly IndexedRule[];
  /** The path index of each exact host. */
  readonly exactHosts: Map<string, PathIndex>;
  /** The path index of each wildcard suffix (`.example.com`). */
  readonly wildcardHosts: Map<string, PathIndex>;
  /** The path index of a host that is neither: the rules without a host condition. */
  readonly anyHost: PathIndex;
}

/** Compiles `rules` (any order; priorities unique) into a matcher. */
export function compileRules(rules: readonly Rule[]): UrlMatcher {
  const ordered = [...rules]
    .sort((a, b) => a.priority - b.priority)
    .map((rule, order): IndexedRule => ({ order, rule, check: compileConditions(rule.conditions) }));
  const anyHostRules = ordered.filter((indexed) => indexed.rule.conditions.hosts === undefined);
  const byWildcard = new Map<string, IndexedRule[]>();
  const byExact = new Map<string, IndexedRule[]>();
  for (const indexed of ordered) {
    for (const host of new Set(indexed.rule.conditions.hosts?.map((pattern) => pattern.toLowerCase()))) {
      const into = host.startsWith('*.') ? byWildcard : byExact;
      const key = host.startsWith('*.') ? host.slice(1) : host;
      into.set(key, [...(into.get(key) ?? []), indexed]);
    }
  }
  const wildcardHosts = new Map(
    [...byWildcard].map(([suffix, list]) => [suffix, pathIndex(merged(list, anyHostRules))] as const),
  );
  const exactHosts = new Map(
    [...byExact].map(([host, list]) => {
      const dot = host.indexOf('.');
      const wildcard = dot < 0 ? [] : (byWildcard.get(host.slice(dot)) ?? []);
      return [host, pathIndex(merged(list, wildcard, anyHostRules))] as const;
    }),
  );
  return { rules: ordered, exactHosts, wildcardHosts, anyHost: pathIndex(anyHostRules) };
}

/** The rule `view` matches, or undefined (then the listener's own backend service answers). */
export function matchRule(matcher: UrlMatcher, view: RequestView): IndexedRule | undefined {
  if (matcher.rules.length === 0) return undefined;
  const host = view.host;
  let index = matcher.exactHosts.get(host);
  if (index === undefined) {
    const dot = host.indexOf('.');
    // One label before the suffix: the label may not be empty.
    if (dot > 0) index = matcher.wildcardHosts.get(host.slice(dot));
    index ??= matcher.anyHost;
  }
  const path = view.path;
  let best = firstHolding(index.anyPath, view, undefined);
  const exact = index.exact.get(path);
  if (exact !== undefined) best = firstHolding(exact, view, best);
  let node: TrieNode | undefined = index.prefixes;
  for (let i = 0; i < path.length && node !== undefined; i++) {
    node = node.children.get(path.charCodeAt(i));
    if (node !== undefined && node.rules.length > 0) best = firstHolding(node.rules, view, best);
  }
  return best;
}

/** The first rule of `list` (priority order) before `best` whose other conditions hold; else `best`. */
function firstHolding(
  list: readonly IndexedRule[],
  view: RequestView,
  best: IndexedRule | undefined,
): IndexedRule | undefined {
  const limit = best === undefined ? Number.POSITIVE_INFINITY : best.order;
  for (const indexed of list) {
    if (indexed.order >= limit) return best;
    if (indexed.check === undefined || indexed.check(view)) return indexed;
  }
  return best;
}

/** The rules of several priority-ordered lists, once each, in priority order. */
function merged(...lists: (readonly IndexedRule[])[]): IndexedRule[] {
  return [...new Set(lists.flat())].sort((a, b) => a.order - b.order);
}

/** The path index of the rules of one host bucket (priority order in, priority order in every list). */
function pathIndex(rules: readonly IndexedRule[]): PathIndex {
  const index: PathIndex = { exact: new Map(), prefixes: { children: new Map(), rules: [] }, anyPath: [] };
  for (const indexed of rules) {
    const paths = indexed.rule.conditions.paths;
    if (paths === undefined) {
      index.anyPath.push(indexed);
      continue;
    }
    for (const path of new Set(paths)) {
      if (path.endsWith('/*')) addPrefix(index.prefixes, path.slice(0, -1), indexed);
      else index.exact.set(path, [...(index.exact.get(path) ?? []), indexed]);
    }
  }
  return index;
}

function addPrefix(root: TrieNode, prefix: string, indexed: IndexedRule): void {
  let node = root;
  for (let i = 0; i < prefix.length; i++) {
    const code = prefix.charCodeAt(i);
    let child = node.children.get(code);
    if (child === undefined) {
      child = { children: new Map(), rules: [] };
      node.children.set(code, child);
    }
    node = child;
  }
  if (!node.rules.includes(indexed)) node.rules.push(indexed);
}
