/** IPv4 address arithmetic used by the model's rules. Pure functions, no I/O. */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True when `text` is a dotted-quad IPv4 address such as `10.0.0.1`. */
export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** True when `text` is an IPv4 CIDR block such as `10.0.0.0/16`. */
export function isCidr(text: string): boolean {
  const [address, bits, extra] = text.split('/');
  if (extra !== undefined || address === undefined || bits === undefined || !/^\d{1,2}$/.test(bits)) return false;
  return isIpv4(address) && Number(bits) <= 32;
}

/** The address as an unsigned 32-bit integer. */
export function ipv4ToInt(address: string): number {
  return address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** The unsigned 32-bit integer as a dotted-quad address. */
export function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The first and last address of a CIDR block, as integers. */
export function cidrRange(cidr: string): { first: number; last: number } {
  const [address, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(ipv4ToInt(address) / size) * size;
  return { first, last: first + size - 1 };
}

/** True when `address` lies inside `cidr`. */
export function cidrContains(cidr: string, address: string): boolean {
  const { first, last } = cidrRange(cidr);
  const value = ipv4ToInt(address);
  return value >= first && value <= last;
}

/** True when every address of `inner` lies inside `outer`. */
export function cidrWithin(outer: string, inner: string): boolean {
  const a = cidrRange(outer);
  const b = cidrRange(inner);
  return b.first >= a.first && b.last <= a.last;
}

/**
 * The first usable host of a block: the network address plus one, or the only address of a /31 or /32.
 * `10.0.1.0/24` → `10.0.1.1`.
 */
export function firstHost(cidr: string): string {
  const { first, last } = cidrRange(cidr);
  return intToIpv4(last - first >= 2 ? first + 1 : first);
}
