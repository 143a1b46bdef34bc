/**
 * A url map: the forwarding rules of one load balancer. A listener (HTTP/HTTPS) that names a url map tries its
 * rules in priority order; the first whose conditions all match decides the request, and a request no rule
 * matches goes to the listener's own backend service.
 */
import { z } from 'zod';
import { Cidr, Port, ResourceRef } from './common';

/** A host name a rule matches: exact (`www.example.com`) or one leading wildcard label (`*.example.com`). */
export const HostPattern = z
  .string()
  .max(253)
  .regex(
    /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
    'must be a host name (www.example.com) or one leading wildcard label (*.example.com)',
  );

/**
 * A path a rule matches, compared with the request target's path as received (before `?`, case-sensitive):
 * exact (`/login`) or a prefix ending in `/*` (`/api/*` matches `/api/` and everything under it; `/*` matches all).
 */
export const PathPattern = z
  .string()
  .max(1024)
  .regex(/^\/[^*?#\s]*(\/\*)?$|^\/\*$/, 'must be an exact path (/login) or a prefix ending in /* (/api/*)');

/** An HTTP header field name (a token). */
export const HeaderName = z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/, 'must be a header name token');

/**
 * Header fields a rule may neither insert nor delete: the ones that frame a message or that the load balancer
 * itself owns (X-Forwarded-For stays on always).
 */
export const PROTECTED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-port',
]);

/** A header name a rule may insert or delete: any but the protected ones. */
export const EditableHeaderName = HeaderName.refine((name) => !PROTECTED_HEADERS.has(name.toLowerCase()), {
  message: `must not be a framing or load-balancer header (${[...PROTECTED_HEADERS].join(', ')})`,
});

/** A header field value: visible ASCII and spaces, no CR/LF. */
export const HeaderValue = z
  .string()
  .max(1024)
  .regex(/^[\t\x20-\x7e]*$/, 'must be visible ASCII, spaces or tabs');

/** An HTTP method a rule matches. */
export const HttpMethod = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
export type HttpMethod = z.output<typeof HttpMethod>;

/** A header condition: the header is present with a value matching one of `values`. */
export const HeaderCondition = z.strictObject({
  /** The header's name, case-insensitive. */
  name: HeaderName,
  /** Values, any of which matches; case-insensitive, `*` matches any run of characters and `?` one character. */
  values: z.array(HeaderValue.min(1)).min(1).max(10),
});
export type HeaderCondition = z.output<typeof HeaderCondition>;

/** A query condition: the query string carries `key=value` (both compared after percent-decoding, case-sensitive). */
export const QueryCondition = z.strictObject({
  /** The parameter's name. */
  key: z.string().min(1).max(128),
  /** The parameter's value. */
  value: z.string().max(128),
});
export type QueryCondition = z.output<typeof QueryCondition>;

/**
 * What a request must match. Every condition given must hold (AND); within one condition any of its values
 * will do (OR), except `headers`, where each entry must hold. At least one condition is required.
 */
export const RuleConditions = z.strictObject({
  /** Host header values, any of which matches; case-insensitive, the port is ignored. @default any host */
  hosts: z.array(HostPattern).min(1).max(10).optional(),
  /** Paths, any of which matches. @default any path */
  paths: z.array(PathPattern).min(1).max(10).optional(),
  /** Header conditions, all of which must hold. @default none */
  headers: z.array(HeaderCondition).min(1).max(5).optional(),
  /** Query parameters, any of which matches. @default none */
  queries: z.array(QueryCondition).min(1).max(10).optional(),
  /** Methods, any of which matches. @default any method */
  methods: z.array(HttpMethod).min(1).max(7).optional(),
  /** Client source address blocks (the peer's address, not X-Forwarded-For), any of which matches. @default any */
  sourceCidrs: z.array(Cidr).min(1).max(10).optional(),
});
export type RuleConditions = z.output<typeof RuleConditions>;

/** Send the request to one backend service. */
export const ForwardAction = z.strictObject({
  /** Id of the backend service (HTTP, of the url map's load balancer). */
  backendService: ResourceRef,
});
export type ForwardAction = z.output<typeof ForwardAction>;

/** One backend service of a weighted forward. */
export const WeightedTarget = z.strictObject({
  /** Id of the backend service (HTTP, of the url map's load balancer). */
  backendService: ResourceRef,
  /** Share of requests, 0–999, relative to the other targets' weights. */
  weight: z.number().int().min(0).max(999),
});
export type WeightedTarget = z.output<typeof WeightedTarget>;

/** Split requests over 2–5 backend services by weight (canary, blue/green). */
export const WeightedForwardAction = z.strictObject({
  /** The backend services and their weights; the weights must sum to more than 0. */
  targets: z.array(WeightedTarget).min(2).max(5),
  /**
   * Keep a client on the backend service it first got, with an inserted cookie, for `stickinessSeconds`;
   * 0 turns group stickiness off. 0–604800. @default 0
   */
  stickinessSeconds: z.number().int().min(0).max(604_800).default(0),
});
export type WeightedForwardAction = z.output<typeof WeightedForwardAction>;

/**
 * A redirect template: literal text with the placeholders `#{protocol}`, `#{host}`, `#{port}`, `#{path}` and
 * `#{query}`, each standing for that part of the request.
 */
const Template = z
  .string()
  .max(1024)
  .regex(/^[^\s]*$/, 'must not contain white space');

/** A path template: starts with `/` or with the request's own path, `#{path}` (which starts with `/`). */
const PathTemplate = Template.regex(/^(\/|#\{path\})/, 'must start with / or #{path}');

/** The status codes a redirect may answer with. */
export const REDIRECT_CODES: readonly number[] = [301, 302, 307, 308];

/** Answer with a redirect; every part not given keeps the request's own. */
export const RedirectAction = z.strictObject({
  /** `301`, `302`, `307` or `308`. @default 301 */
  statusCode: z
    .number()
    .int()
    .refine((code) => REDIRECT_CODES.includes(code), 'must be 301, 302, 307 or 308')
    .default(301),
  /** The scheme of the new location. @default the request's (`#{protocol}`) */
  protocol: z.enum(['HTTP', 'HTTPS']).optional(),
  /** The port of the new location. @default the request's (`#{port}`) */
  port: Port.optional(),
  /** The host of the new location, a template. @default '#{host}' */
  host: Template.min(1).optional(),
  /** The path of the new location, a template starting with `/`. @default '#{path}' */
  path: PathTemplate.optional(),
  /** The query of the new location, a template without the leading `?`. @default '#{query}' */
  query: Template.optional(),
});
export type RedirectAction = z.output<typeof RedirectAction>;

/** The content types a fixed response may have. */
export const FixedResponseContentType = z.enum([
  'text/plain',
  'text/css',
  'text/html',
  'application/javascript',
  'application/json',
]);

/** Answer from the load balancer itself. */
export const FixedResponseAction = z.strictObject({
  /** The status code, 200–599. */
  statusCode: z.number().int().min(200).max(599),
  /** The body's content type. @default 'text/plain' */
  contentType: FixedResponseContentType.default('text/plain'),
  /** The body, at most 1 KiB of UTF-8. @default '' */
  body: z
    .string()
    .refine((body) => Buffer.byteLength(body, 'utf8') <= 1024, 'must be at most 1024 bytes of UTF-8')
    .default(''),
});
export type FixedResponseAction = z.output<typeof FixedResponseAction>;

/** What a matching rule does: exactly one of its fields. */
export const RuleAction = z
  .strictObject({
    /** Forward to one backend service. @default none */
    forward: ForwardAction.optional(),
    /** Forward to several backend services by weight. @default none */
    weightedForward: WeightedForwardAction.optional(),
    /** Answer with a redirect. @default none */
    redirect: RedirectAction.optional(),
    /** Answer with a fixed response. @default none */
    fixedResponse: FixedResponseAction.optional(),
  })
  .superRefine((action, ctx) => {
    const given = (['forward', 'weightedForward', 'redirect', 'fixedResponse'] as const).filter((k) => action[k]);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `must have exactly one of forward, weightedForward, redirect, fixedResponse${
          given.length ? ` (has ${given.join(', ')})` : ''
        }`,
      });
    }
  });
export type RuleAction = z.output<typeof RuleAction>;

/** A header to set: it replaces any the message already has of that name. */
export const HeaderToSet = z.strictObject({
  /** The header's name. */
  name: EditableHeaderName,
  /** Its value. */
  value: HeaderValue,
});
export type HeaderToSet = z.output<typeof HeaderToSet>;

/** Changes made to a forwarded request before it goes to its backend service. */
export const PreActions = z.strictObject({
  /** Rewrite parts of the request; each part is a template (as a redirect's) over the request. @default none */
  rewrite: z
    .strictObject({
      /** The new Host. @default unchanged */
      host: Template.min(1).optional(),
      /** The new path, starting with `/`. @default unchanged */
      path: PathTemplate.optional(),
      /** The new query, without `?`. @default unchanged */
      query: Template.optional(),
    })
    .optional(),
  /** Request headers to set. @default none */
  insertHeaders: z.array(HeaderToSet).min(1).max(10).optional(),
  /** Request headers to delete. @default none */
  deleteHeaders: z.array(EditableHeaderName).min(1).max(10).optional(),
  /**
   * Also send a copy of the request to this backend service (HTTP, of the same load balancer); its answer is
   * dropped, and it never delays the client's. @default none
   */
  mirror: z.strictObject({ backendService: ResourceRef }).optional(),
});
export type PreActions = z.output<typeof PreActions>;

/** Changes made to the response before it goes to the client. */
export const PostActions = z.strictObject({
  /** Response headers to set. @default none */
  insertHeaders: z.array(HeaderToSet).min(1).max(10).optional(),
  /** Response headers to delete. @default none */
  deleteHeaders: z.array(EditableHeaderName).min(1).max(10).optional(),
});
export type PostActions = z.output<typeof PostActions>;

/** One forwarding rule. */
export const Rule = z.strictObject({
  /** Order of evaluation, 1–50000, unique in the url map; the lowest matching priority wins. */
  priority: z.number().int().min(1).max(50_000),
  /** What a request must match. */
  conditions: RuleConditions.refine(
    (c) => Object.values(c).some((v) => v !== undefined),
    'must have at least one condition',
  ),
  /** What a matching request gets. */
  action: RuleAction,
  /** Request changes, for `forward` and `weightedForward` only. @default none */
  preActions: PreActions.optional(),
  /** Response changes, for `forward` and `weightedForward` only. @default none */
  postActions: PostActions.optional(),
});
export type Rule = z.output<typeof Rule>;

/** A url map: the ordered forwarding rules of one load balancer, used by the listeners that name it. */
export const UrlMapSpec = z.strictObject({
  /** Id of the load balancer. Changing it replaces the url map. */
  loadBalancer: ResourceRef,
  /** The rules, at most 100. @default [] */
  rules: z.array(Rule).max(100).default([]),
});
/** A UrlMap spec as validated: every default applied. */
export type UrlMapSpec = z.output<typeof UrlMapSpec>;
/** A UrlMap spec as users write it: fields with defaults may be left out. */
export type UrlMapInput = z.input<typeof UrlMapSpec>;
