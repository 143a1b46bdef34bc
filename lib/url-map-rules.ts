/**
 * The rules across resources about url maps: the backend services their rules name, priorities, the shape of
 * each action, and the listeners that use them. Each returns issues naming the resource id and the field
 * path (`rules[2].action.weightedForward.targets[1].backendService`); lib/rules.ts runs them with the others.
 */
import { withArticle } from './article';
import type { Issue } from './errors';
import { KINDS, type Kind } from './model/kinds';
import { backendProtocolFor } from './model/listener';
import type { RedirectAction, Rule } from './model/url-map';
import type { ResourceIndex, ResourceOf } from './resource';

/** What a rule reads of the resources a check reports on (the `Subjects` of lib/rules.ts). */
interface RuleSubjects {
  /** The subjects of `kind`. */
  ofKind<K extends Kind>(kind: K): ResourceOf<K>[];
}

/** A rule across resources, in the form lib/rules.ts runs. */
type UrlMapRule = (index: ResourceIndex, known: { has(id: string): boolean }, subjects: RuleSubjects) => Issue[];

/** The redirect parts a template may keep as the request's own, with the placeholder that means "unchanged". */
const KEPT_PARTS = { host: '#{host}', path: '#{path}', query: '#{query}' } as const;

/** The backend services a url map's rules name belong to its load balancer and speak HTTP. */
export const urlMapBackendServices: UrlMapRule = (index, _known, subjects) =>
  subjects.ofKind('UrlMap').flatMap((urlMap) =>
    KINDS.UrlMap.references(urlMap.spec)
      .filter((reference) => reference.kind === 'BackendService')
      .flatMap(({ field, id }) => {
        const backend = index.getOf('BackendService', id);
        if (!backend) return [];
        const issues: Issue[] = [];
        if (backend.spec.loadBalancer !== urlMap.spec.loadBalancer) {
          const message = `backend service ${id} belongs to load balancer ${backend.spec.loadBalancer}, not ${urlMap.spec.loadBalancer}`;
          issues.push({ path: urlMap.id, field, message });
        }
        if (backend.spec.protocol !== 'HTTP') {
          const message = `a url map routes HTTP requests, so it needs an HTTP backend service; ${id} is ${backend.spec.protocol}`;
          issues.push({ path: urlMap.id, field, message });
        }
        return issues;
      }),
  );

/** Priorities are unique in a url map: the later rule of two with one priority is reported. */
export const urlMapPrioritiesUnique: UrlMapRule = (_index, _known, subjects) =>
  subjects.ofKind('UrlMap').flatMap(({ id, spec }) => {
    const firstOf = new Map<number, number>();
    return spec.rules.flatMap((rule, position) => {
      const first = firstOf.get(rule.priority);
      if (first === undefined) {
        firstOf.set(rule.priority, position);
        return [];
      }
      return [
        {
          path: id,
          field: `rules[${position}].priority`,
          message: `${rule.priority} is already the priority of rules[${first}]`,
        },
      ];
    });
  });

/**
 * Each rule's action makes sense: a weighted forward's weights sum to more than 0 and name each backend service
 * once; pre- and post-actions go with a forward or weighted forward only; a mirror is another backend service
 * than the ones the rule forwards to; a header is not both inserted and deleted, nor inserted twice; a redirect
 * changes at least one part of the request, as it would otherwise send the client back to the same rule.
 */
export const urlMapRuleActions: UrlMapRule = (_index, _known, subjects) =>
  subjects
    .ofKind('UrlMap')
    .flatMap(({ id, spec }) =>
      spec.rules.flatMap((rule, position) =>
        ruleActionIssues(rule, `rules[${position}]`).map((issue) => ({ path: id, ...issue })),
      ),
    );

function ruleActionIssues(rule: Rule, at: string): Omit<Issue, 'path'>[] {
  const issues: Omit<Issue, 'path'>[] = [];
  const { forward, weightedForward, redirect } = rule.action;
  if (weightedForward) {
    const field = `${at}.action.weightedForward.targets`;
    if (weightedForward.targets.every((target) => target.weight === 0)) {
      issues.push({ field, message: 'the weights sum to 0: give at least one backend service a weight above 0' });
    }
    const seen = new Map<string, number>();
    weightedForward.targets.forEach(({ backendService }, index) => {
      const first = seen.get(backendService);
      if (first === undefined) seen.set(backendService, index);
      else
        issues.push({
          field: `${field}[${index}].backendService`,
          message: `${backendService} is already targets[${first}]: name each backend service once`,
        });
    });
  }
  if (!forward && !weightedForward) {
    for (const field of ['preActions', 'postActions'] as const) {
      if (rule[field])
        issues.push({
          field: `${at}.${field}`,
          message: 'go with a forward or weightedForward action only (a redirect or fixed response forwards nothing)',
        });
    }
  }
  const mirror = rule.preActions?.mirror?.backendService;
  const forwardedTo = [
    forward?.backendService,
    ...(weightedForward?.targets ?? []).map((target) => target.backendService),
  ];
  if (mirror !== undefined && forwardedTo.includes(mirror)) {
    issues.push({
      field: `${at}.preActions.mirror.backendService`,
      message: `${mirror} already gets the request: mirror to another backend service`,
    });
  }
  for (const side of ['preActions', 'postActions'] as const)
    issues.push(...headerEditIssues(rule[side], `${at}.${side}`));
  if (redirect && changesNothing(redirect)) {
    const message =
      'changes no part of the request (protocol, port, host, path or query), so the client would be sent back to this rule in a loop';
    issues.push({ field: `${at}.action.redirect`, message });
  }
  return issues;
}

/** A header inserted twice, or both inserted and deleted, in one rule's request or response edits. */
function headerEditIssues(edits: Rule['preActions'] | Rule['postActions'], at: string): Omit<Issue, 'path'>[] {
  if (!edits) return [];
  const issues: Omit<Issue, 'path'>[] = [];
  const inserted = new Set<string>();
  (edits.insertHeaders ?? []).forEach(({ name }, index) => {
    const key = name.toLowerCase();
    if (inserted.has(key))
      issues.push({ field: `${at}.insertHeaders[${index}].name`, message: `${name} is inserted twice` });
    inserted.add(key);
  });
  (edits.deleteHeaders ?? []).forEach((name, index) => {
    if (inserted.has(name.toLowerCase()))
      issues.push({
        field: `${at}.deleteHeaders[${index}]`,
        message: `${name} is also inserted: insert it or delete it`,
      });
  });
  return issues;
}

/** True when a redirect keeps every part of the request: no protocol or port, and host, path and query unchanged. */
function changesNothing(redirect: RedirectAction): boolean {
  return redirect.protocol === undefined && redirect.port === undefined && keepsHostPathQuery(redirect);
}

/** True when a redirect's host, path and query are the request's own. */
function keepsHostPathQuery(redirect: RedirectAction): boolean {
  return (Object.keys(KEPT_PARTS) as (keyof typeof KEPT_PARTS)[]).every(
    (part) => redirect[part] === undefined || redirect[part] === KEPT_PARTS[part],
  );
}

/**
 * A listener's url map belongs to the listener's load balancer, and only HTTP and HTTPS listeners have one; a
 * redirect of its url map that leads to this same listener (its own protocol and port, host, path and query
 * unchanged) would loop.
 */
export const listenerUrlMap: UrlMapRule = (index, _known, subjects) =>
  subjects.ofKind('Listener').flatMap(({ id, spec }) => {
    if (spec.urlMap === undefined) return [];
    if (backendProtocolFor(spec.protocol) !== 'HTTP') {
      return [
        {
          path: id,
          field: 'urlMap',
          message: `${withArticle(
            spec.protocol,
          )} listener routes no requests: only HTTP and HTTPS listeners take a url map`,
        },
      ];
    }
    const urlMap = index.getOf('UrlMap', spec.urlMap);
    if (!urlMap) return [];
    if (urlMap.spec.loadBalancer !== spec.loadBalancer) {
      return [
        {
          path: id,
          field: 'urlMap',
          message: `url map ${urlMap.id} belongs to load balancer ${urlMap.spec.loadBalancer}, not ${spec.loadBalancer}`,
        },
      ];
    }
    return urlMap.spec.rules.flatMap((rule, position) => {
      const redirect = rule.action.redirect;
      if (!redirect || changesNothing(redirect) || !keepsHostPathQuery(redirect)) return [];
      if ((redirect.protocol ?? spec.protocol) !== spec.protocol || (redirect.port ?? spec.port) !== spec.port)
        return [];
      const message = `rules[${position}] of url map ${urlMap.id} redirects to ${spec.protocol} port ${spec.port}, this listener itself, with host, path and query unchanged: it would loop`;
      return [{ path: id, field: 'urlMap', message }];
    });
  });

/** The url map rules, in the order lib/rules.ts runs them. */
export const URL_MAP_RULES: readonly UrlMapRule[] = [
  urlMapBackendServices,
  urlMapPrioritiesUnique,
  urlMapRuleActions,
  listenerUrlMap,
];
