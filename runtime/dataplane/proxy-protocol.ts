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
 * (`TCP6`, the IPv4 end in its mapped form), since the line names one family for both. A scope id
 * (`fe80::1%eth0`) is not part of an address's canonical form and is dropped. Anything else that is not a
 * TCP endpoint with an address and a port (a socket already closed) gives `PROXY UNKNOWN\r\n`.
 */
export function proxyV1Header(source: Endpoint, destination: Endpoint): string {
  const src = canonicalAddress(source.address);
  const dst = canonicalAddress(destination.address);
  if (src === undefined || dst === undefined || !isPort(source.port) || !isPort(destination.port)) {
    return PROXY_V1_UNKNOWN;
  }
  const srcIs4 = isIPv4(src);
  const dstIs4 = isIPv4(dst);
  if (srcIs4 && dstIs4) return `PROXY TCP4 ${src} ${dst} ${source.port} ${destination.port}\r\n`;
  const src6 = srcIs4 ? `::ffff:${src}` : src;
  const dst6 = dstIs4 ? `::ffff:${dst}` : dst;
  return `PROXY TCP6 ${src6} ${dst6} ${source.port} ${destination.port}\r\n`;
}

/** The address in the form the header carries: plain IPv4 for mapped addresses, no scope id; else undefined. */
function canonicalAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const mapped = MAPPED_IPV4.exec(address);
  if (mapped !== null && isIPv4(mapped[1]!)) return mapped[1];
  if (isIPv4(address)) return address;
  const scope = address.indexOf('%');
  const bare = scope === -1 ? address : address.slice(0, scope);
  return isIPv6(bare) ? bare.toLowerCase() : undefined;
}

function isPort(port: number | undefined): port is number {
  return port !== undefined && Number.isInteger(port) && port >= 0 && port <= 65535;
}
