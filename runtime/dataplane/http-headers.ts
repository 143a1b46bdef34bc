/**
 * Header rewriting between client and server. Request: hop-by-hop headers (and any named in `Connection`)
 * and `Expect` are dropped, X-Forwarded-For gets the client address appended, X-Forwarded-Proto and
 * X-Forwarded-Port are set to what the client connected to. Response: hop-by-hop headers are dropped (the
 * listener frames the body itself). Both work on flat `[name, value, name, value…]` arrays, as Node and
 * undici carry raw headers, so nothing is parsed into objects.
 */

const PASS = 0;
const DROP = 1;
const FORWARDED_FOR = 2;
const CONNECTION = 3;
const CONTENT_LENGTH = 4;
const TRANSFER_ENCODING = 5;

/** Flag in the result of `upstreamRequestHeaders`: the request has a body. */
export const HAS_BODY = 1;

/** How a header name is treated; compares lower-case only for the few lengths that can match. */
function classify(name: string): number {
  switch (name.length) {
    case 2:
      return name.toLowerCase() === 'te' ? DROP : PASS;
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
 * Appends to `out` the headers sent to the server for a request with raw headers `raw` from `clientIp`,
 * which reached a listener speaking `proto` on `port`; returns `HAS_BODY` when the request has a body.
 */
export function upstreamRequestHeaders(raw: readonly string[], clientIp: string, proto: string, port: string, out: string[]): number {
  const listed = listedHopHeaders(raw);
  let flags = 0;
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const kind = classify(name);
    if (kind === PASS || kind === CONTENT_LENGTH) {
      if (listed === undefined || !listed.has(name.toLowerCase())) out.push(name, raw[i + 1]!);
      if (kind === CONTENT_LENGTH && raw[i + 1] !== '0') flags |= HAS_BODY;
    } else if (kind === FORWARDED_FOR) {
      forwardedFor = forwardedFor === undefined ? raw[i + 1]! : `${forwardedFor}, ${raw[i + 1]!}`;
    } else if (kind === TRANSFER_ENCODING) {
      flags |= HAS_BODY;
    }
  }
  out.push(
    'x-forwarded-for',
    forwardedFor === undefined ? clientIp : `${forwardedFor}, ${clientIp}`,
    'x-forwarded-proto',
    proto,
    'x-forwarded-port',
    port,
  );
  return flags;
}

/** The headers sent to the client for a response with undici's raw headers (Buffers). */
export function downstreamResponseHeaders(raw: readonly Buffer[]): string[] {
  const out: string[] = [];
  let listed: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const kind = classify(name);
    if (kind === CONNECTION) listed = connectionTokens(raw[i + 1]!.toString('latin1'), listed);
    else if (kind === PASS || kind === FORWARDED_FOR || kind === CONTENT_LENGTH) out.push(name, raw[i + 1]!.toString('latin1'));
  }
  if (listed === undefined) return out;
  const kept: string[] = [];
  for (let i = 0; i < out.length; i += 2) {
    if (!listed.has(out[i]!.toLowerCase())) kept.push(out[i]!, out[i + 1]!);
  }
  return kept;
}
