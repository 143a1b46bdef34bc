/**
 * Session persistence by cookie insertion. The cookie names a server opaquely: an HMAC (the agent's cookie
 * secret) of the backend service id and the server key, so it reveals neither the server's address nor its
 * name, and a forged or stale value matches no server and is ignored (then replaced).
 */
import { createHmac } from 'node:crypto';
import type { SessionPersistence } from '../../lib';

/** Length of a cookie value: 128 bits of the HMAC, base64url. */
const VALUE_LENGTH = 22;

/** The cookie value that pins a client to server `key` of backend service `backendServiceId`. */
export function cookieValue(secret: Buffer, backendServiceId: string, key: string): string {
  return createHmac('sha256', secret).update(`${backendServiceId}\n${key}`).digest('base64url').slice(0, VALUE_LENGTH);
}

/**
 * The `Set-Cookie` attributes that follow the value: `Path=/`, `HttpOnly`, `SameSite=Lax`, `Secure` on
 * HTTPS, `Max-Age` when `ttlSeconds` > 0. Computed once per listener configuration.
 */
export function cookieAttributes(persistence: SessionPersistence, secure: boolean): string {
  return (
    '; Path=/; HttpOnly; SameSite=Lax' +
    (secure ? '; Secure' : '') +
    (persistence.ttlSeconds > 0 ? `; Max-Age=${persistence.ttlSeconds}` : '')
  );
}

/**
 * The value of cookie `name` in a `Cookie` request header (or several joined), or undefined. Scans the
 * header without splitting it into an object.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  let from = 0;
  while (from < header.length) {
    const at = header.indexOf(name, from);
    if (at < 0) return undefined;
    const before = at === 0 ? ' ' : header[at - 1];
    const after = at + name.length;
    if ((before === ' ' || before === ';') && header[after] === '=') {
      const end = header.indexOf(';', after);
      return header.slice(after + 1, end < 0 ? header.length : end).trim();
    }
    from = at + name.length;
  }
  return undefined;
}
