/**
 * Security groups at accept: the ingress rules of a load balancer's security groups compiled, once per
 * configuration, into a check of a connection's source address against the listener's port; and, when
 * the rules change, the open connections they no longer allow closed.
 */
import type { Socket } from 'node:net';
import { OPEN_INGRESS, type IngressRule } from '../../lib';
import { cidrRange, isIpv4, ipv4ToInt } from '../../lib/net';

/** Decides whether a connection from `remoteAddress` may reach a listener. */
export type IngressCheck = (remoteAddress: string | undefined) => boolean;

/** The rules in force for a load balancer: those of its security groups, or one open rule when it has none. */
export function effectiveIngress(groups: readonly (readonly IngressRule[])[]): IngressRule[] {
  return groups.length === 0 ? [OPEN_INGRESS] : groups.flat();
}

/**
 * Compiles `rules` for a listener on `port` into a check of source addresses. Rules whose port range leaves
 * out `port` are dropped here, so a check is a scan of a few integer ranges. Both rule protocols (`TCP` and
 * `ALL`) cover every listener, since all of them run over TCP. IPv4-mapped IPv6 sources (`::ffff:a.b.c.d`)
 * are checked as their IPv4 address; any other non-IPv4 source is refused.
 */
export function compileIngress(rules: readonly IngressRule[], port: number): IngressCheck {
  const ranges = rules
    .filter((rule) => rule.fromPort <= port && port <= rule.toPort)
    .map((rule) => cidrRange(rule.cidr));
  if (ranges.some((range) => range.first === 0 && range.last === 0xffffffff)) return () => true;
  const firsts = Float64Array.from(ranges, (range) => range.first);
  const lasts = Float64Array.from(ranges, (range) => range.last);
  return (remoteAddress) => {
    const address = ipv4Of(remoteAddress);
    if (address === undefined) return false;
    const value = ipv4ToInt(address);
    for (let i = 0; i < firsts.length; i++) {
      if (value >= firsts[i]! && value <= lasts[i]!) return true;
    }
    return false;
  };
}

function ipv4Of(remoteAddress: string | undefined): string | undefined {
  if (remoteAddress === undefined) return undefined;
  const address = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
  return isIpv4(address) ? address : undefined;
}

/**
 * Closes the connections in `sockets` whose source `allows` no longer admits (the rules changed), at once:
 * a connection the rules refuse is served no further than one they would refuse at accept.
 */
export function closeDisallowed(sockets: Iterable<Socket>, allows: IngressCheck): void {
  for (const socket of sockets) if (!allows(socket.remoteAddress)) socket.destroy();
}
