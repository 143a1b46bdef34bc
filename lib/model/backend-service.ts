import { z } from 'zod';
import { Port, ResourceRef } from './common';

/** How a backend service picks a server for each new request (HTTP) or connection (TCP). */
export const Algorithm = z.enum(['WEIGHTED_ROUND_ROBIN', 'WEIGHTED_LEAST_CONNECTIONS', 'SOURCE_IP']);
export type Algorithm = z.output<typeof Algorithm>;

/** A normal status code: `200`, a class such as `2xx`, or a range such as `200-299`. */
export const StatusCodePattern = z
  .string()
  .regex(/^([1-5]\d\d|[1-5]xx|[1-5]\d\d-[1-5]\d\d)$/, 'must be a code (200), a class (2xx) or a range (200-299)')
  .refine(
    (pattern) => !pattern.includes('-') || pattern.slice(0, 3) <= pattern.slice(4),
    'a range must run from its lower code to its higher',
  );

/** Cookie-insertion session persistence (HTTP/HTTPS only). */
export const SessionPersistence = z.strictObject({
  /** Pin each client to one server with an inserted cookie. @default false */
  enabled: z.boolean().default(false),
  /** The cookie's name. @default 'ALBKIT_SERVER' */
  cookieName: z
    .string()
    .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/, 'must be a cookie name token')
    .default('ALBKIT_SERVER'),
  /** Cookie lifetime in seconds; 0 means a browser-session cookie. 0–86400. @default 0 */
  ttlSeconds: z.number().int().min(0).max(86400).default(0),
});
export type SessionPersistence = z.output<typeof SessionPersistence>;

/**
 * The product's documented default timing: a 5000 ms timeout with a 3000 ms interval. The interval counts from
 * the end of one check to the start of the next, so checks of a server never overlap; a timeout longer than
 * the interval is accepted for this documented pair, and otherwise refused as a likely mistake.
 */
export const SEED_HEALTH_CHECK_TIMING = { timeoutMs: 5000, intervalMs: 3000 } as const;

function isSeedDefaultTiming(check: { timeoutMs: number; intervalMs: number }): boolean {
  return (
    check.timeoutMs === SEED_HEALTH_CHECK_TIMING.timeoutMs && check.intervalMs === SEED_HEALTH_CHECK_TIMING.intervalMs
  );
}

/**
 * The issue when a health check's timeout is not below its interval (and the pair is not the seed's). It sits
 * on the field the user most likely set: a timeout still at its default is reported against the interval, an
 * interval still at its default against the timeout, so a default is never named as the cause; the message
 * says which values would do.
 */
function timingIssue({ timeoutMs, intervalMs }: { timeoutMs: number; intervalMs: number }): {
  path: string[];
  message: string;
} {
  const seed = SEED_HEALTH_CHECK_TIMING;
  if (timeoutMs === seed.timeoutMs && intervalMs !== seed.intervalMs) {
    return {
      path: ['intervalMs'],
      message: `timeoutMs must be less than intervalMs; timeoutMs is ${timeoutMs} ms (its default), so set intervalMs above ${timeoutMs}, or timeoutMs below ${intervalMs}`,
    };
  }
  if (intervalMs === seed.intervalMs && timeoutMs !== seed.timeoutMs) {
    return {
      path: ['timeoutMs'],
      message: `timeoutMs must be less than intervalMs; intervalMs is ${intervalMs} ms (its default), so set timeoutMs below ${intervalMs}, or intervalMs above ${timeoutMs}`,
    };
  }
  return { path: ['timeoutMs'], message: 'timeoutMs must be less than intervalMs' };
}

/** The values an HTTP check takes for the fields only it reads, when they are not given. */
export const HTTP_CHECK_DEFAULTS = { path: '/', statusCodes: ['2xx', '3xx'] } as const;

/** Active health check of every server of the backend service. */
export const HealthCheck = z
  .strictObject({
    /** Whether servers are checked; unchecked servers count as healthy. @default true */
    enabled: z.boolean().default(true),
    /** `HTTP` (a HEAD request) or `TCP` (a connect). @default the backend service's protocol */
    protocol: z.enum(['HTTP', 'TCP']).optional(),
    /** The URL path an HTTP check requests with HEAD. @default '/' for an HTTP check; none for a TCP check */
    path: z
      .string()
      .regex(/^\/[^\s]*$/, 'must be a URL path starting with "/"')
      .optional(),
    /** The port checked. @default the server's traffic port */
    port: Port.optional(),
    /** How long one check may take, 100–60000 ms; less than `intervalMs` unless both keep their defaults. @default 5000 */
    timeoutMs: z.number().int().min(100).max(60000).default(5000),
    /** Pause between the end of one check of a server and the start of the next, 100–300000 ms. @default 3000 */
    intervalMs: z.number().int().min(100).max(300000).default(3000),
    /** Consecutive successes that bring a server back, 1–10. @default 3 */
    healthyThreshold: z.number().int().min(1).max(10).default(3),
    /** Consecutive failures that take a server out, 1–10. @default 3 */
    unhealthyThreshold: z.number().int().min(1).max(10).default(3),
    /** Status codes an HTTP check counts as healthy. @default ['2xx', '3xx'] for an HTTP check; none for a TCP check */
    statusCodes: z.array(StatusCodePattern).min(1).max(20).optional(),
  })
  .superRefine((check, ctx) => {
    if (check.timeoutMs < check.intervalMs || isSeedDefaultTiming(check)) return;
    ctx.addIssue({ code: 'custom', input: check, ...timingIssue(check) });
  });
export type HealthCheck = z.output<typeof HealthCheck>;

/** A backend service: how a listener's traffic reaches its servers. */
export const BackendServiceSpec = z.strictObject({
  /** Id of the load balancer. Changing it replaces the backend service. */
  loadBalancer: ResourceRef,
  /** `HTTP` for HTTP/HTTPS listeners, `TCP` for TCP/TLS listeners. Changing it replaces the backend service. */
  protocol: z.enum(['HTTP', 'TCP']),
  /**
   * The port availability group instances serve on; required with availability groups. Server group servers
   * carry their own ports, so a backend service of server groups needs none. @default none
   */
  port: Port.optional(),
  /** How servers are picked. @default 'WEIGHTED_ROUND_ROBIN' */
  algorithm: Algorithm.default('WEIGHTED_ROUND_ROBIN'),
  /** Ids of virtual server groups (not together with `availabilityGroups`). @default [] */
  serverGroups: z.array(ResourceRef).max(10).default([]),
  /** Ids of availability groups (not together with `serverGroups`). @default [] */
  availabilityGroups: z.array(ResourceRef).max(10).default([]),
  /** Cookie-insertion session persistence; HTTP only. @default disabled for HTTP; none for TCP */
  sessionPersistence: SessionPersistence.optional(),
  /**
   * X-Forwarded-For (with X-Forwarded-Proto and -Port) is always added on HTTP and cannot be turned off.
   * Accepted only as `true`, for configurations that state it. @default true
   */
  xForwardedFor: z.literal(true, { message: 'X-Forwarded-For is always on and cannot be turned off' }).optional(),
  /** Send a PROXY protocol v1 header to each server; TCP only. @default false */
  proxyProtocol: z.boolean().default(false),
  /** The health check. @default enabled, with the defaults of each field */
  healthCheck: HealthCheck.default(() => HealthCheck.parse({})),
  /**
   * The most connections to each server, 1–100 000: HTTP requests in flight (each holds one upstream
   * connection, idle keep-alive ones included in the cap) or TCP connections. A server at its cap is not
   * picked; when every server is, HTTP requests wait in the queue and TCP connections are closed.
   * @default 1024
   */
  maxConnectionsPerServer: z.number().int().min(1).max(100_000).optional(),
  /** HTTP: the most requests waiting for a server below its cap, 0–100 000; more are answered 503 at once. @default 1024 */
  maxQueueLength: z.number().int().min(0).max(100_000).optional(),
  /** HTTP: how long a request waits in the queue, 1–300 s; then it is answered 503 (as HAProxy does). @default 5 */
  queueTimeoutSeconds: z.number().int().min(1).max(300).optional(),
});
/** A BackendService spec as validated: every default applied. */
export type BackendServiceSpec = z.output<typeof BackendServiceSpec>;
/** A BackendService spec as users write it: fields with defaults may be left out. */
export type BackendServiceInput = z.input<typeof BackendServiceSpec>;

/** A backend service spec in any form (input, output, or with values still unknown), as far as its protocols go. */
interface ProtocolsOf {
  protocol?: unknown;
  healthCheck?: unknown;
}

/** The protocol the health check speaks: its own, else the backend service's (as given: possibly not yet known). */
function checkProtocolOf(spec: ProtocolsOf): unknown {
  const check = spec.healthCheck;
  const own = check !== null && typeof check === 'object' ? (check as { protocol?: unknown }).protocol : undefined;
  return own ?? spec.protocol;
}

/** A field that means something only over HTTP, the protocol that decides whether it applies, and its default. */
export interface HttpOnlyField {
  /** The field's path in the spec. */
  path: readonly [string, ...string[]];
  /** The protocol it depends on; the field applies when it is `HTTP`. */
  protocolOf(spec: ProtocolsOf): unknown;
  /** The value the field takes where it applies and is not given. */
  default(): unknown;
}

/**
 * The fields that apply only over HTTP: session persistence (cookies) on an HTTP backend service, a health
 * check's path and status codes on an HTTP check. The schema leaves them unset; the resolve step gives them
 * their default only where their protocol is HTTP, so every face (the agent's answers, the CLI's plan, the
 * Terraform plan and state) shows them unset where the protocol is TCP, unless they were given.
 */
export const HTTP_ONLY_FIELDS: readonly HttpOnlyField[] = [
  { path: ['sessionPersistence'], protocolOf: (spec) => spec.protocol, default: () => SessionPersistence.parse({}) },
  { path: ['healthCheck', 'path'], protocolOf: checkProtocolOf, default: () => HTTP_CHECK_DEFAULTS.path },
  {
    path: ['healthCheck', 'statusCodes'],
    protocolOf: checkProtocolOf,
    default: () => [...HTTP_CHECK_DEFAULTS.statusCodes],
  },
];

/** The connection limits in force: the backend service's own, or the defaults. */
export function connectionLimits(
  spec: Pick<BackendServiceSpec, 'maxConnectionsPerServer' | 'maxQueueLength' | 'queueTimeoutSeconds'>,
): {
  maxConnectionsPerServer: number;
  maxQueueLength: number;
  queueTimeoutSeconds: number;
} {
  return {
    maxConnectionsPerServer: spec.maxConnectionsPerServer ?? 1024,
    maxQueueLength: spec.maxQueueLength ?? 1024,
    queueTimeoutSeconds: spec.queueTimeoutSeconds ?? 5,
  };
}

/**
 * A copy of a parsed spec (its health check's protocol resolved) with each HTTP-only field that is not given
 * set to its default where its protocol is HTTP.
 */
export function withHttpDefaults(spec: BackendServiceSpec): BackendServiceSpec {
  const out = { ...spec, healthCheck: { ...spec.healthCheck } } as unknown as Record<string, Record<string, unknown>>;
  for (const field of HTTP_ONLY_FIELDS) {
    if (field.protocolOf(spec) !== 'HTTP') continue;
    const [head, name] = field.path;
    if (name === undefined) out[head] ??= field.default() as Record<string, unknown>;
    else out[head]![name] ??= field.default();
  }
  return out as unknown as BackendServiceSpec;
}

/** True when an HTTP status code matches one of the patterns (`200`, `2xx`, `200-299`). */
export function statusMatches(status: number, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    if (pattern.endsWith('xx')) return Math.floor(status / 100) === Number(pattern[0]);
    const [low, high] = pattern.split('-').map(Number) as [number, number | undefined];
    return high === undefined ? status === low : status >= low && status <= high;
  });
}
