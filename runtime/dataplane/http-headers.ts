/**
 * Header rewriting between client and server. Request: hop-by-hop headers (and any named in `Connection`)
 * and `Expect` are dropped, X-Forwarded-For gets the client address appended, X-Forwarded-Proto and
 * X-Forwarded-Port are set to what the client connected to, and the result is the request head as one
 * string. Response: hop-by-hop headers are dropped (the listener frames the body itself). Both read flat
 * `[name, value, name, value…]` arrays, as Node's parser delivers raw headers, so nothing is parsed into
 * objects. Names and values were validated by that parser (no CR/LF can slip through).
 */

const PASS = 0;
const DROP = 1;
const FORWARDED_FOR = 2;
const CONNECTION = 3;
const CONTENT_LENGTH = 4;
const TRANSFER_ENCODING = 5;
const HOST = 6;

/** Flag of `UpstreamHead.flags`: the request has a body. */
export const HAS_BODY = 1;
/** Flag of `UpstreamHead.flags`: the body comes chunked (Transfer-Encoding), so it is sent chunked. */
export const CHUNKED = 2;

/** Where `buildUpstreamHead` puts its result. */
export interface UpstreamHead {
  head: string;
  flags: number;
}

/** How a header name is treated; compares lower-case only for the few lengths that can match. */
function classify(name: string): number {
  switch (name.length) {
    case 2:
      return name.toLowerCase() === 'te' ? DROP : PASS;
    case 4:
      return name.toLowerCase() === 'host' ? HOST : PASS;
    case 6:
      return name.toLowerCase() === 'expect' ? DROP : PASS;
    case 7: {
      const lower = name.toLowerCase();
      return lower === 'upgrade' || lower === 'trailer' ? DROP : PASS;
    }
    case 10: {
      const lower = name.toLowerCase();
      return lower === 'connection' ? CONNECTION : lower === 'keep-alive' ? DROP : PASS;
    }
    case 15:
      return name.toLowerCase() === 'x-forwarded-for' ? FORWARDED_FOR : PASS;
    case 14:
      return name.toLowerCase() === 'content-length' ? CONTENT_LENGTH : PASS;
    case 16: {
      const lower = name.toLowerCase();
      return lower === 'proxy-connection' || lower === 'x-forwarded-port' ? DROP : PASS;
    }
    case 17: {
      const lower = name.toLowerCase();
      return lower === 'transfer-encoding' ? TRANSFER_ENCODING : lower === 'x-forwarded-proto' ? DROP : PASS;
    }
    case 19:
      return name.toLowerCase() === 'proxy-authorization' ? DROP : PASS;
    default:
      return PASS;
  }
}

/** Extra header names a `Connection` header lists (beyond close/keep-alive), lower-cased; rare. */
function connectionTokens(value: string, into: Set<string> | undefined): Set<string> | undefined {
  // The usual values, as servers send them on every response, without splitting.
  if (value.length <= 10) {
    const lower = value.toLowerCase();
    if (lower === 'keep-alive' || lower === 'close') return into;
  }
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    if (name === '' || name === 'close' || name === 'keep-alive') continue;
    (into ??= new Set()).add(name);
  }
  return into;
}

/** Finds `Connection`-listed names in raw headers; undefined (the usual case) when there are none. */
function listedHopHeaders(raw: readonly string[]): Set<string> | undefined {
  let listed: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (classify(raw[i]!) === CONNECTION) listed = connectionTokens(raw[i + 1]!, listed);
  }
  return listed;
}

/**
 * Sets `target.head` to the request head sent to the server (request line, rewritten headers, blank line)
 * for a request with raw headers `raw` from `clientIp`, which reached a listener speaking `proto` on
 * `port` of `localAddress`; and `target.flags` to `HAS_BODY` and `CHUNKED` as they apply. A request
 * without Host (HTTP/1.0) gets the listener's address and port, since the server is spoken to in HTTP/1.1.
 */
export function buildUpstreamHead(
  target: UpstreamHead,
  method: string,
  url: string,
  raw: readonly string[],
  clientIp: string,
  proto: string,
  port: string,
  localAddress: string | undefined,
): void {
  // One pass in the usual case; a second, knowing the names to drop, when `Connection` lists any (rare).
  if (!writeUpstreamHead(target, method, url, raw, clientIp, proto, port, localAddress, undefined)) {
    writeUpstreamHead(target, method, url, raw, clientIp, proto, port, localAddress, listedHopHeaders(raw));
  }
}

/**
 * `buildUpstreamHead` with the `Connection`-listed names to drop; when `listed` is undefined and a
 * `Connection` header lists names, stops and returns false (the caller then passes them).
 */
function writeUpstreamHead(
  target: UpstreamHead,
  method: string,
  url: string,
  raw: readonly string[],
  clientIp: string,
  proto: string,
  port: string,
  localAddress: string | undefined,
  listed: Set<string> | undefined,
): boolean {
  let flags = 0;
  let hasHost = false;
  let head = `${method} ${url} HTTP/1.1\r\n`;
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const kind = classify(name);
    if (kind === PASS || kind === CONTENT_LENGTH || kind === HOST) {
      if (listed === undefined || !listed.has(name.toLowerCase())) head += `${name}: ${raw[i + 1]!}\r\n`;
      if (kind === HOST) hasHost = true;
      if (kind === CONTENT_LENGTH && raw[i + 1] !== '0') flags |= HAS_BODY;
    } else if (kind === FORWARDED_FOR) {
      forwardedFor = forwardedFor === undefined ? raw[i + 1]! : `${forwardedFor}, ${raw[i + 1]!}`;
    } else if (kind === TRANSFER_ENCODING) {
      flags |= HAS_BODY | CHUNKED;
    } else if (kind === CONNECTION && listed === undefined && connectionTokens(raw[i + 1]!, undefined) !== undefined) {
      return false;
    }
  }
  if (flags & CHUNKED) head += 'transfer-encoding: chunked\r\n';
  if (!hasHost) head += `host: ${localAddress}:${port}\r\n`;
  target.head = `${head}x-forwarded-for: ${forwardedFor === undefined ? clientIp : `${forwardedFor}, ${clientIp}`}\r\nx-forwarded-proto: ${proto}\r\nx-forwarded-port: ${port}\r\n\r\n`;
  target.flags = flags;
  return true;
}

/** The headers sent to the client for a response with raw headers `raw`. */
export function downstreamResponseHeaders(raw: readonly string[]): string[] {
  const out: string[] = [];
  let listed: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const kind = classify(name);
    if (kind === CONNECTION) listed = connectionTokens(raw[i + 1]!, listed);
    else if (kind !== DROP && kind !== TRANSFER_ENCODING) out.push(name, raw[i + 1]!);
  }
  if (listed === undefined) return out;
  const kept: string[] = [];
  for (let i = 0; i < out.length; i += 2) {
    if (!listed.has(out[i]!.toLowerCase())) kept.push(out[i]!, out[i + 1]!);
  }
  return kept;
}
