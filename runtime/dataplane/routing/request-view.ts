/**
 * What the rules of a url map look at in a request, taken from the parsed head without building objects: the
 * method, the path and query (the target before and after `?`, as received), the host (lower case, port
 * dropped), the raw header array and the client's address. The query's pairs and the address as a number are
 * worked out only when a candidate rule asks for them, once per request.
 */
import { rawHeader } from '../http-headers';

/** A request as the matcher sees it. */
export interface RequestView {
  readonly method: string;
  /** The target's path, before `?`, as received. */
  readonly path: string;
  /** The target's query, after `?` (without it); empty when there is none. */
  readonly query: string;
  /** The Host, lower case, without its port; empty when the request has none. */
  readonly host: string;
  /** The raw header array, `[name, value, name, value…]`. */
  readonly raw: readonly string[];
  /** The client's IPv4 address (an IPv4-mapped IPv6 address is read as IPv4). */
  readonly clientIp: string;
  /** The query's pairs, percent-decoded, `[key, value, key, value…]`; filled on first use. */
  queryPairs: string[] | undefined;
  /** The client's address as an unsigned 32-bit number, -1 when not IPv4; filled on first use (NaN until then). */
  clientAddress: number;
}

const SLASH = 0x2f;

/** The view of a request with target `url`, raw headers `raw`, from `clientIp`. */
export function requestView(method: string, url: string, raw: readonly string[], clientIp: string): RequestView {
  let target = url;
  let host: string | undefined;
  if (url.charCodeAt(0) !== SLASH && url !== '*') {
    // Absolute form (`http://authority/path`): the authority is the host.
    const scheme = url.indexOf('://');
    if (scheme > 0) {
      const pathAt = url.indexOf('/', scheme + 3);
      const end = pathAt < 0 ? url.length : pathAt;
      const queryAt = url.indexOf('?', scheme + 3);
      const authorityEnd = queryAt >= 0 && queryAt < end ? queryAt : end;
      host = url.slice(scheme + 3, authorityEnd);
      target = authorityEnd === url.length ? '/' : url.slice(authorityEnd);
      if (target.charCodeAt(0) !== SLASH) target = `/${target}`;
    }
  }
  // The listener answered 400 to a request with two Host fields, so there is at most one.
  if (host === undefined) host = rawHeader(raw, 'host');
  const queryAt = target.indexOf('?');
  return {
    method,
    path: queryAt < 0 ? target : target.slice(0, queryAt),
    query: queryAt < 0 ? '' : target.slice(queryAt + 1),
    host: host === undefined ? '' : hostName(host),
    raw,
    clientIp,
    queryPairs: undefined,
    clientAddress: Number.NaN,
  };
}

/** `host[:port]` as a lower-case name without the port (an IPv6 literal keeps its brackets). */
export function hostName(value: string): string {
  const bracket = value.lastIndexOf(']');
  const colon = value.lastIndexOf(':');
  const name = colon > bracket ? value.slice(0, colon) : value;
  return name.toLowerCase();
}

/** The query's pairs, percent-decoded (a malformed escape is kept as received). */
export function queryPairs(view: RequestView): string[] {
  if (view.queryPairs !== undefined) return view.queryPairs;
  const pairs: string[] = [];
  if (view.query !== '') {
    for (const part of view.query.split('&')) {
      if (part === '') continue;
      const equals = part.indexOf('=');
      pairs.push(
        percentDecoded(equals < 0 ? part : part.slice(0, equals)),
        equals < 0 ? '' : percentDecoded(part.slice(equals + 1)),
      );
    }
  }
  view.queryPairs = pairs;
  return pairs;
}

function percentDecoded(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The client's address as a number (-1 when it is not IPv4). */
export function clientAddress(view: RequestView): number {
  if (!Number.isNaN(view.clientAddress)) return view.clientAddress;
  const ip = view.clientIp.startsWith('::ffff:') ? view.clientIp.slice(7) : view.clientIp;
  view.clientAddress = dottedQuadValue(ip);
  return view.clientAddress;
}

/** Four decimal parts 0–255 separated by dots as an unsigned 32-bit number, or -1; read without a regular expression. */
function dottedQuadValue(text: string): number {
  let parts = 0;
  let digits = 0;
  let part = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i === text.length ? 0x2e : text.charCodeAt(i);
    if (code === 0x2e) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      parts++;
      digits = 0;
      part = 0;
    } else if (code >= 0x30 && code <= 0x39 && digits < 3) {
      part = part * 10 + code - 0x30;
      digits++;
    } else {
      return -1;
    }
  }
  return parts === 4 ? value : -1;
}
