/**
 * Header rewriting between client and server. Request: hop-by-hop headers (and any named in `Connection`,
 * except the framing headers Content-Length, Transfer-Encoding and Host, which a `Connection` token never
 * removes, as with HAProxy and nginx) and `Expect` are dropped, X-Forwarded-For gets the client address appended, X-Forwarded-Proto and
 * X-Forwarded-Port are set to what the client connected to, and the result is the request head as one
 * string. Response: hop-by-hop headers are dropped (the listener frames the body and says whether the
 * connection stays open itself); the rest is copied, in order, into the response head as one string. Both
 * read flat `[name, value, name, value…]` arrays, as Node's parser delivers raw headers, so nothing is parsed
 * into objects. Names and values were validated by that parser (no CR/LF can slip through), and are latin1
 * (one byte per character).
 */

const PASS = 0;
const DROP = 1;
const FORWARDED_FOR = 2;
const CONNECTION = 3;
const CONTENT_LENGTH = 4;
const TRANSFER_ENCODING = 5;
const HOST = 6;
const DATE = 7;
const EXPECT = 8;
const COOKIE = 9;

/** Flag of a request `Head`: the request has a body. */
export const HAS_BODY = 1;
/** Flag of a request `Head`: the body comes chunked (Transfer-Encoding), so it is sent chunked. */
export const CHUNKED = 2;
/** Flag of a request `Head`: the request has a Host header. */
export const HAS_HOST = 4;
/** Flag of a request `Head`: the request has `Expect: 100-continue`. */
export const EXPECT_CONTINUE = 8;
/** Flag of a request `Head`: the request has an `Expect` other than `100-continue` (answered 417). */
export const EXPECT_OTHER = 16;
/**
 * Flag of a request `Head`: its Host is unusable (answered 400): given twice, empty, not a valid
 * `host[:port]`, or an absolute-form target whose authority is not one.
 */
export const BAD_HOST = 32;
/** Flag of a response `Head`: the response has a Content-Length. */
export const HAS_LENGTH = 1;
/** Flag of a response `Head`: the response has a Date. */
export const HAS_DATE = 2;

/** A head as text, and flags about it; where the builders below put their result. */
export interface Head {
  head: string;
  flags: number;
}

const SLASH = 0x2f;

/** `Expect` values that ask for 100 Continue, as `node:http` matches them. */
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/** How a header name is treated; compares lower-case only for the few lengths that can match. */
function classify(name: string): number {
  switch (name.length) {
    case 2:
      return name.toLowerCase() === 'te' ? DROP : PASS;
    case 4: {
      const lower = name.toLowerCase();
      return lower === 'host' ? HOST : lower === 'date' ? DATE : PASS;
    }
    case 6: {
      const lower = name.toLowerCase();
      return lower === 'expect' ? EXPECT : lower === 'cookie' ? COOKIE : PASS;
    }
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
    case 14: {
      const lower = name.toLowerCase();
      return lower === 'content-length' ? CONTENT_LENGTH : lower === 'http2-settings' ? DROP : PASS;
    }
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

/**
 * Names a `Connection` token never removes: they frame the message the listener parsed (Content-Length,
 * Transfer-Encoding) and say whom it is for (Host). Dropping one would let the server read the body as
 * another request (request smuggling).
 */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'host']);

/** Extra header names a `Connection` header lists (beyond close/keep-alive and framing), lower-cased; rare. */
function connectionTokens(value: string, into: Set<string> | undefined): Set<string> | undefined {
  // The usual values, as servers send them on every response, without splitting.
  if (value.length <= 10) {
    const lower = value.toLowerCase();
    if (lower === 'keep-alive' || lower === 'close') return into;
  }
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    if (name === '' || name === 'close' || name === 'keep-alive' || FRAMING.has(name)) continue;
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

/** A Host value: `host[:port]`, the host a reg-name (RFC 3986) or an IP literal in brackets. */
const VALID_HOST = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=%]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** An absolute-form request target (`http://authority/path`): scheme, authority, the rest. */
const ABSOLUTE_FORM = /^(https?):\/\/([^/?#]*)(.*)$/i;

/**
 * Sets `target.head` to the request head sent to the server (request line, rewritten headers, blank line)
 * for a request with raw headers `raw` from `clientIp`, which reached a listener speaking `proto` on
 * `port` of `localAddress`; and `target.flags` to `HAS_BODY`, `CHUNKED`, `HAS_HOST`, `BAD_HOST` as they
 * apply. A request without Host (HTTP/1.0) gets the listener's address and port, since the server is
 * spoken to in HTTP/1.1. An absolute-form target (`GET http://a.example/x`) is sent in origin form (`/x`)
 * with its authority as the Host, any Host header replaced (RFC 9112, section 3.2.2).
 */
export function buildUpstreamHead(
  target: Head,
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
  target: Head,
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
  // Origin form (`/…`) and `*` as they came; an absolute-form target gives the Host.
  const absolute = url.charCodeAt(0) === SLASH || url === '*' ? null : ABSOLUTE_FORM.exec(url);
  let head =
    absolute === null
      ? `${method} ${url} HTTP/1.1\r\n`
      : `${method} ${absolute[3] === '' ? '/' : absolute[3]} HTTP/1.1\r\n`;
  if (absolute !== null) {
    flags |= HAS_HOST;
    if (!VALID_HOST.test(absolute[2]!)) flags |= BAD_HOST;
    head += `host: ${absolute[2]!}\r\n`;
  }
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const kind = classify(name);
    if (kind === HOST) {
      // One valid Host, or 400 (two could name different hosts to the listener and the server).
      if ((flags & HAS_HOST) !== 0 && absolute === null) flags |= BAD_HOST;
      flags |= HAS_HOST;
      if (absolute !== null) continue;
      if (!VALID_HOST.test(raw[i + 1]!)) flags |= BAD_HOST;
      head += `${name}: ${raw[i + 1]!}\r\n`;
    } else if (kind === PASS || kind === CONTENT_LENGTH || kind === DATE || kind === COOKIE) {
      if (listed === undefined || !listed.has(name.toLowerCase())) head += `${name}: ${raw[i + 1]!}\r\n`;
      if (kind === CONTENT_LENGTH && raw[i + 1] !== '0') flags |= HAS_BODY;
    } else if (kind === EXPECT) {
      flags |= CONTINUE.test(raw[i + 1]!) ? EXPECT_CONTINUE : EXPECT_OTHER;
    } else if (kind === FORWARDED_FOR) {
      forwardedFor = forwardedFor === undefined ? raw[i + 1]! : `${forwardedFor}, ${raw[i + 1]!}`;
    } else if (kind === TRANSFER_ENCODING) {
      flags |= HAS_BODY | CHUNKED;
    } else if (kind === CONNECTION && listed === undefined && connectionTokens(raw[i + 1]!, undefined) !== undefined) {
      return false;
    }
  }
  if (flags & CHUNKED) head += 'transfer-encoding: chunked\r\n';
  if ((flags & HAS_HOST) === 0) head += `host: ${localAddress}:${port}\r\n`;
  target.head = `${head}x-forwarded-for: ${
    forwardedFor === undefined ? clientIp : `${forwardedFor}, ${clientIp}`
  }\r\nx-forwarded-proto: ${proto}\r\nx-forwarded-port: ${port}\r\n\r\n`;
  target.flags = flags;
  return true;
}

/**
 * Sets `target.head` to the start of the head sent to the client for a response with status `statusCode`,
 * reason `statusText` and raw headers `raw`: the status line and the server's headers but hop-by-hop ones
 * (those named in `Connection` too), each line ending in CRLF, no blank line yet (the caller adds its own
 * headers); and `target.flags` to `HAS_LENGTH` and `HAS_DATE` as they apply.
 */
export function buildResponseHead(target: Head, statusCode: number, statusText: string, raw: readonly string[]): void {
  if (!writeResponseHead(target, statusCode, statusText, raw, undefined)) {
    writeResponseHead(target, statusCode, statusText, raw, listedHopHeaders(raw));
  }
}

/** `buildResponseHead` with the `Connection`-listed names to drop; see `writeUpstreamHead` for `listed`. */
function writeResponseHead(
  target: Head,
  statusCode: number,
  statusText: string,
  raw: readonly string[],
  listed: Set<string> | undefined,
): boolean {
  let flags = 0;
  let head = `HTTP/1.1 ${statusCode} ${statusText}\r\n`;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const kind = classify(name);
    if (kind === CONNECTION) {
      if (listed === undefined && connectionTokens(raw[i + 1]!, undefined) !== undefined) return false;
    } else if (
      kind !== DROP &&
      kind !== TRANSFER_ENCODING &&
      kind !== EXPECT &&
      (listed === undefined || !listed.has(name.toLowerCase()))
    ) {
      head += `${name}: ${raw[i + 1]!}\r\n`;
      if (kind === CONTENT_LENGTH) flags |= HAS_LENGTH;
      else if (kind === DATE) flags |= HAS_DATE;
    }
  }
  target.head = head;
  target.flags = flags;
  return true;
}

/**
 * The value of header `name` (lower case) in raw headers, several joined with `separator` (`; ` for cookies,
 * as `node:http` joins them); for the rare paths that need one header (cookies, upgrades).
 */
export function rawHeader(raw: readonly string[], name: string, separator = ', '): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name)
      value = value === undefined ? raw[i + 1]! : `${value}${separator}${raw[i + 1]!}`;
  }
  return value;
}
