/**
 * Weighted forward: smooth weighted round robin over a rule's backend services (the scheduler pools use, see
 * schedulers/round-robin.ts), so over any `sum(weights)` requests each gets exactly its share. With group
 * stickiness a cookie keeps a client on the backend service it got: its value is an HMAC (the agent's cookie
 * secret) of the url map, the rule and the backend service, so a forged or stale value names no target and
 * the client is scheduled afresh (and given a new cookie), never routed by it.
 */
import { SmoothRoundRobin } from '../schedulers';
import { readCookie } from '../session-cookie';
import type { RouteTarget } from './target';

/** One backend service of a weighted forward, as the scheduler sees it. */
interface WeightedTarget {
  readonly key: string;
  readonly weight: number;
  readonly healthy: true;
  readonly active: 0;
  readonly maxActive: number;
  readonly target: RouteTarget;
  /** The group cookie's value naming it. */
  readonly cookie: string;
}

/** The group cookie of a sticky weighted forward. */
export interface GroupCookie {
  readonly name: string;
  /** `; Path=/; HttpOnly…; Max-Age=<stickiness>` after the value. */
  readonly attributes: string;
}

/** A weighted forward of one rule, on one listener. */
export class WeightedTargets {
  private readonly scheduler = new SmoothRoundRobin<WeightedTarget>();
  private readonly byCookie: ReadonlyMap<string, WeightedTarget>;
  /** The `set-cookie` line of the target the last `pick` chose when the client needs a new cookie, else ''. */
  cookieLine = '';

  constructor(
    targets: readonly { readonly target: RouteTarget; readonly weight: number; readonly cookie: string }[],
    /** The group cookie, when stickiness is on. */
    readonly cookie: GroupCookie | undefined,
  ) {
    const weighted = targets.map(({ target, weight, cookie: value }): WeightedTarget => ({
      key: target.backendServiceId,
      weight,
      healthy: true,
      active: 0,
      maxActive: Number.POSITIVE_INFINITY,
      target,
      cookie: value,
    }));
    this.scheduler.reset(weighted);
    this.byCookie = new Map(weighted.filter((target) => target.weight > 0).map((target) => [target.cookie, target]));
  }

  /** The target for a request with Cookie header `cookieHeader`; sets `cookieLine` for its answer. */
  pick(cookieHeader: string | undefined, clientIp: string): RouteTarget | undefined {
    const cookie = this.cookie;
    this.cookieLine = '';
    if (cookie !== undefined) {
      const value = readCookie(cookieHeader, cookie.name);
      const pinned = value === undefined ? undefined : this.byCookie.get(value);
      if (pinned !== undefined) return pinned.target;
    }
    const picked = this.scheduler.pick(clientIp, undefined);
    if (picked !== undefined && cookie !== undefined)
      this.cookieLine = `set-cookie: ${cookie.name}=${picked.cookie}${cookie.attributes}\r\n`;
    return picked?.target;
  }
}
