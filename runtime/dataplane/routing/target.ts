/**
 * Where a request goes: a backend service's pool and the session cookie its persistence inserts. A listener's
 * own backend service is one (its default action), and every backend service its url map's rules forward to
 * is another; built once per configuration change.
 */
import type { BackendServiceSpec } from '../../../lib';
import type { Pool } from '../pool';
import type { BackendPool } from '../types';
import { cookieAttributes } from '../session-cookie';

/** A backend service as a request's destination. */
export interface RouteTarget {
  readonly backendServiceId: string;
  readonly pool: Pool;
  /** The session cookie's name, or undefined when persistence is off. */
  readonly cookieName: string | undefined;
  /** `; Path=/; HttpOnly…` after the cookie value. */
  readonly cookieAttributes: string;
}

/** The target of backend service `backendServiceId` (spec `spec`, pool `pool`) for a listener, `secure` on HTTPS. */
export function routeTarget(
  backendServiceId: string,
  spec: BackendServiceSpec,
  pool: BackendPool,
  secure: boolean,
): RouteTarget {
  // Only an HTTP backend service has session persistence (the model sets none for TCP).
  const persistence = spec.sessionPersistence;
  return {
    backendServiceId,
    // The data plane's one BackendPool implementation.
    pool: pool as Pool,
    cookieName: persistence?.enabled ? persistence.cookieName : undefined,
    cookieAttributes: persistence?.enabled ? cookieAttributes(persistence, secure) : '',
  };
}
