/**
 * A url map bound to one listener: each rule's action made ready for requests once per configuration change
 * (targets with their pools and session cookies, weighted schedulers, compiled templates and header edits,
 * fixed answers), and `chooseRule`, which finds a request's rule and says what it gets. Requests no rule
 * matches go to the listener's own backend service.
 */
import type { Rule, RuleAction } from '../../../lib';
import { customAnswer, type CannedAnswer } from '../http-answers';
import { rawHeader } from '../http-headers';
import type { Pool } from '../pool';
import type { ListenerUrlMap } from '../types';
import { compileHeaderEdits, editHeaders, type HeaderEdits } from './header-edits';
import { matchRule, type UrlMatcher } from './matcher';
import type { MirrorCounts } from './mirror';
import { requestView, type RequestView } from './request-view';
import { routeTarget, type RouteTarget } from './target';
import { compileTemplate, renderTemplate, type Template, type TemplateValues } from './template';
import { WeightedTargets } from './weighted';

/** What a forwarding rule changes in the request before it goes to its backend service. */
interface RequestEdits {
  readonly host: Template | undefined;
  readonly path: Template | undefined;
  readonly query: Template | undefined;
  readonly headers: HeaderEdits | undefined;
}

/** The pre- and post-actions of a forwarding rule. */
interface Forwarding {
  readonly request: RequestEdits | undefined;
  readonly response: HeaderEdits | undefined;
  readonly mirror: Pool | undefined;
}

/** A rule's action, bound to the listener. */
type BoundAction =
  | (Forwarding & { readonly kind: 'forward'; readonly target: RouteTarget })
  | (Forwarding & { readonly kind: 'weighted'; readonly targets: WeightedTargets })
  | {
      readonly kind: 'redirect';
      readonly status: number;
      readonly protocol: string | undefined;
      readonly port: string | undefined;
      readonly host: Template;
      readonly path: Template;
      readonly query: Template;
    }
  | { readonly kind: 'fixed'; readonly answer: CannedAnswer };

/** The counts of one rule on one listener (see `DataPlaneMetrics.ruleCountsOf`). */
export interface RuleCounts {
  matched: number;
}

/** The rules of a listener's url map, ready for requests. */
export interface RouteRules {
  readonly urlMapId: string;
  readonly matcher: UrlMatcher;
  /** Each rule's action, in the matcher's priority order. */
  readonly actions: readonly BoundAction[];
  /** Each rule's counts, in the matcher's priority order. */
  readonly counts: readonly RuleCounts[];
  /** The listener's mirrored requests. */
  readonly mirrors: MirrorCounts;
}

/** What a request's rule gives it. */
export interface RuleChoice {
  /** Where it goes; undefined when it is answered here (`answer`). */
  readonly target: RouteTarget | undefined;
  readonly answer: CannedAnswer | undefined;
  /** The request target and raw headers to send, rewritten and edited. */
  readonly url: string;
  readonly raw: readonly string[];
  /** The edits of the response headers. */
  readonly response: HeaderEdits | undefined;
  /** The backend service a copy of the request goes to. */
  readonly mirror: Pool | undefined;
  /** A group cookie's `set-cookie` line for the answer, or ''. */
  readonly cookieLine: string;
}

/**
 * Binds `urlMap` to a listener (`secure` on HTTPS); `countsOf` gives each rule's counts by priority, kept
 * across changes.
 */
export function bindRules(
  urlMap: ListenerUrlMap,
  secure: boolean,
  countsOf: (priority: number) => RuleCounts,
  mirrors: MirrorCounts,
): RouteRules {
  const targets = new Map<string, RouteTarget>();
  const targetOf = (id: string): RouteTarget => {
    let target = targets.get(id);
    if (target === undefined) {
      const backend = urlMap.backends.get(id);
      if (backend === undefined) throw new Error(`${urlMap.id}: rules: no backend service "${id}"`);
      target = routeTarget(id, backend.spec, backend.pool, secure);
      targets.set(id, target);
    }
    return target;
  };
  const actions = urlMap.matcher.rules.map(({ rule }) => bindAction(urlMap, rule, secure, targetOf));
  return {
    urlMapId: urlMap.id,
    matcher: urlMap.matcher,
    actions,
    counts: urlMap.matcher.rules.map(({ rule }) => countsOf(rule.priority)),
    mirrors,
  };
}

function bindAction(
  urlMap: ListenerUrlMap,
  rule: Rule,
  secure: boolean,
  targetOf: (id: string) => RouteTarget,
): BoundAction {
  const { action } = rule;
  const kind = actionKind(action);
  switch (kind) {
    case 'forward':
      return { kind, target: targetOf(action.forward!.backendService), ...forwarding(rule, targetOf) };
    case 'weighted': {
      const weighted = action.weightedForward!;
      const cookie =
        weighted.stickinessSeconds > 0
          ? {
              name: `albkit-group-${rule.priority}`,
              attributes: `; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}; Max-Age=${
                weighted.stickinessSeconds
              }`,
            }
          : undefined;
      const targets = weighted.targets.map(({ backendService, weight }) => ({
        target: targetOf(backendService),
        weight,
        cookie: urlMap.groupCookieValue(rule.priority, backendService),
      }));
      return { kind, targets: new WeightedTargets(targets, cookie), ...forwarding(rule, targetOf) };
    }
    case 'redirect': {
      const redirect = action.redirect!;
      return {
        kind,
        status: redirect.statusCode,
        protocol: redirect.protocol?.toLowerCase(),
        port: redirect.port === undefined ? undefined : String(redirect.port),
        host: compileTemplate(redirect.host ?? '#{host}'),
        path: compileTemplate(redirect.path ?? '#{path}'),
        query: compileTemplate(redirect.query ?? '#{query}'),
      };
    }
    case 'fixed': {
      const fixed = action.fixedResponse!;
      // The body is UTF-8; answers are written as latin1 text, one byte per character.
      const body = Buffer.from(fixed.body, 'utf8').toString('latin1');
      return {
        kind,
        answer: customAnswer(
          fixed.statusCode,
          `content-type: ${fixed.contentType}; charset=utf-8\r\ncache-control: no-store\r\n`,
          body,
        ),
      };
    }
  }
}

/** The one field of a rule's action that is set (the model allows exactly one). */
function actionKind(action: RuleAction): 'forward' | 'weighted' | 'redirect' | 'fixed' {
  if (action.forward !== undefined) return 'forward';
  if (action.weightedForward !== undefined) return 'weighted';
  if (action.redirect !== undefined) return 'redirect';
  return 'fixed';
}

function forwarding(rule: Rule, targetOf: (id: string) => RouteTarget): Forwarding {
  const pre = rule.preActions;
  const post = rule.postActions;
  const rewrite = pre?.rewrite;
  const headers = compileHeaderEdits(pre?.insertHeaders, pre?.deleteHeaders);
  const request =
    rewrite === undefined && headers === undefined
      ? undefined
      : {
          host: rewrite?.host === undefined ? undefined : compileTemplate(rewrite.host),
          path: rewrite?.path === undefined ? undefined : compileTemplate(rewrite.path),
          query: rewrite?.query === undefined ? undefined : compileTemplate(rewrite.query),
          headers,
        };
  return {
    request,
    response: compileHeaderEdits(post?.insertHeaders, post?.deleteHeaders),
    mirror: pre?.mirror === undefined ? undefined : targetOf(pre.mirror.backendService).pool,
  };
}

/**
 * The rule of a request (`method`, target `url`, raw headers `raw`, from `clientIp`, on a listener speaking
 * `protocol` on `port`) and what it gets; undefined when no rule matches. Counts the match.
 */
export function chooseRule(
  rules: RouteRules,
  method: string,
  url: string,
  raw: readonly string[],
  clientIp: string,
  protocol: string,
  port: string,
): RuleChoice | undefined {
  const view = requestView(method, url, raw, clientIp);
  const matched = matchRule(rules.matcher, view);
  if (matched === undefined) return undefined;
  rules.counts[matched.order]!.matched++;
  const action = rules.actions[matched.order]!;
  switch (action.kind) {
    case 'fixed':
      return {
        target: undefined,
        answer: action.answer,
        url,
        raw,
        response: undefined,
        mirror: undefined,
        cookieLine: '',
      };
    case 'redirect':
      return {
        target: undefined,
        answer: redirectAnswer(action, templateValues(view, protocol, port)),
        url,
        raw,
        response: undefined,
        mirror: undefined,
        cookieLine: '',
      };
    case 'forward':
      return forwardChoice(action, action.target, '', view, url, raw, protocol, port);
    case 'weighted': {
      const target = action.targets.pick(
        action.targets.cookie === undefined ? undefined : rawHeader(raw, 'cookie', '; '),
        clientIp,
      );
      return forwardChoice(action, target, action.targets.cookieLine, view, url, raw, protocol, port);
    }
  }
}

function forwardChoice(
  action: Forwarding,
  target: RouteTarget | undefined,
  cookieLine: string,
  view: RequestView,
  url: string,
  raw: readonly string[],
  protocol: string,
  port: string,
): RuleChoice {
  const edits = action.request;
  if (edits === undefined)
    return { target, answer: undefined, url, raw, response: action.response, mirror: action.mirror, cookieLine };
  let editedUrl = url;
  let editedRaw = raw;
  if (edits.host !== undefined || edits.path !== undefined || edits.query !== undefined) {
    const values = templateValues(view, protocol, port);
    const path = edits.path === undefined ? view.path : renderTemplate(edits.path, values);
    const query = edits.query === undefined ? view.query : renderTemplate(edits.query, values);
    editedUrl = query === '' ? path : `${path}?${query}`;
    if (edits.host !== undefined)
      editedRaw = editHeaders(editedRaw, { remove: HOST, append: ['host', renderTemplate(edits.host, values)] });
  }
  if (edits.headers !== undefined) editedRaw = editHeaders(editedRaw, edits.headers);
  return {
    target,
    answer: undefined,
    url: editedUrl,
    raw: editedRaw,
    response: action.response,
    mirror: action.mirror,
    cookieLine,
  };
}

const HOST: ReadonlySet<string> = new Set(['host']);

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

function templateValues(view: RequestView, protocol: string, port: string): TemplateValues {
  return { protocol, host: view.host, port, path: view.path, query: view.query };
}

/** The redirect's answer: `Location` from its templates; the port left out when it is the scheme's default. */
function redirectAnswer(action: Extract<BoundAction, { kind: 'redirect' }>, values: TemplateValues): CannedAnswer {
  const protocol = action.protocol ?? values.protocol;
  const port = action.port ?? values.port;
  const query = renderTemplate(action.query, values);
  const authority =
    DEFAULT_PORTS[protocol] === port
      ? renderTemplate(action.host, values)
      : `${renderTemplate(action.host, values)}:${port}`;
  const location = `${protocol}://${authority}${renderTemplate(action.path, values)}${query === '' ? '' : `?${query}`}`;
  return customAnswer(action.status, `location: ${location}\r\n`, '');
}
