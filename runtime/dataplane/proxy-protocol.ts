/**
 * PROXY protocol version 1 (the human-readable header), as HAProxy's `doc/proxy-protocol.txt` specifies it:
 * one US-ASCII line sent to the server before any byte of the client's stream, naming the client's address
 * and port and the address and port the client connected to.
 *
 * ```
 * PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n
 * PROXY TCP6 2001:db8::1 2001:db8::11 56324 443\r\n
 * PROXY UNKNOWN\r\n
 * ```
 */
import { isIPv4, isIPv6 } from 'node:net';

/** One end of a TCP connection, as Node reports it (`remoteAddress`/`remotePort`, `localAddress`/`localPort`). */
export interface Endpoint {
  /** An IPv4 or IPv6 address; undefined when the socket no longer knows it. */
  readonly address: string | undefined;
  /** The TCP port; undefined when the socket no longer knows it. */
  readonly port: number | undefined;
}

/** The longest v1 line a receiver must accept, CRLF included (the specification's worst case). */
export const PROXY_V1_MAX_LENGTH = 107;

/** The line sent when the connection's addresses cannot be told (a family other than TCP over IPv4/IPv6). */
export const PROXY_V1_UNKNOWN = 'PROXY UNKNOWN\r\n';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The PROXY v1 line for a connection from `source` (the client) to `destination` (the address and port the
 * client reached on the load balancer), as a string ending in CRLF.
 *
 * IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, what a dual-stack socket reports for an IPv4 peer) are sent
 * in their plain IPv4 form under `TCP4`. When one end is IPv4 and the other IPv6, both are sent as IPv6
 * (`TCP6`, the IPv4 end mapped), since the line names one family for both. IPv6 addresses are written in the
 * specification's form, hexadecimal groups only, compressed as RFC 5952 says (so at most 39 characters and
 * the line at most 104 bytes); a scope id (`fe80::1%eth0`) is dropped. Anything else that is not a TCP
 * endpoint with an address and a port (a socket already closed) gives `PROXY UNKNOWN\r\n`.
 */
export function proxyV1Header(source: Endpoint, destination: Endpoint): string {
  const src = plainIpv4(source.address);
  const dst = plainIpv4(destination.address);
  if (src === undefined || dst === undefined || !isPort(source.port) || !isPort(destination.port)) {
    return PROXY_V1_UNKNOWN;
  }
  if (isIPv4(src) && isIPv4(dst)) return `PROXY TCP4 ${src} ${dst} ${source.port} ${destination.port}\r\n`;
  const src6 = canonicalIpv6(src);
  const dst6 = canonicalIpv6(dst);
  if (src6 === undefined || dst6 === undefined) return PROXY_V1_UNKNOWN;
  return `PROXY TCP6 ${src6} ${dst6} ${source.port} ${destination.port}\r\n`;
}

/** The IPv4 address of a mapped IPv6 address (`::ffff:a.b.c.d`), else the address as given. */
function plainIpv4(address: string | undefined): string | undefined {
  const mapped = address === undefined ? null : MAPPED_IPV4.exec(address);
  return mapped !== null && isIPv4(mapped[1]!) ? mapped[1] : address;
}

/**
 * An IPv4 or IPv6 address as RFC 5952 writes an IPv6 one: eight lowercase hexadecimal groups without leading
 * zeros, the longest run of two or more zero groups (the first of equals) as `::`. IPv4 addresses are
 * written mapped (`::ffff:a00:1`). Undefined for anything else.
 */
function canonicalIpv6(address: string): string | undefined {
  const groups = ipv6Groups(address);
  if (groups === undefined) return undefined;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (list: number[]): string => list.map((group) => group.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** The eight 16-bit groups of an IPv6 address (scope id dropped), or of an IPv4 address mapped. */
function ipv6Groups(address: string): number[] | undefined {
  if (isIPv4(address)) return [0, 0, 0, 0, 0, 0xffff, ...ipv4Groups(address)];
  const scope = address.indexOf('%');
  const bare = scope === -1 ? address : address.slice(0, scope);
  if (!isIPv6(bare)) return undefined;
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => (group.includes('.') ? ipv4Groups(group) : [parseInt(group, 16)]));
  const [head = '', tail] = bare.split('::') as [string, string | undefined];
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function ipv4Groups(address: string): number[] {
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  return [a * 256 + b, c * 256 + d];
}

function isPort(port: number | undefined): port is number {
  return port !== undefined && Number.isInteger(port) && port >= 0 && port <= 65535;
}
