/**
 * This host's addresses, for judging what an agent on this host can bind. Only an agent known to run here
 * (`isLocalEndpoint`, or one given by its state directory) may be judged by them: an agent on another host
 * binds that host's addresses.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { cidrContains, isIpv4 } from '../../lib';

/** The IPv4 addresses of this host's interfaces. */
export type HostInterfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * True when a process on this host can bind `address`: the wildcard `0.0.0.0`, an address of one of its
 * interfaces, or, on Linux (where the kernel routes the whole loopback network to `lo`), any address in a
 * loopback interface's network (`127.0.0.2` as well as `127.0.0.1`).
 */
export function isHostAddress(
  address: string,
  interfaces: HostInterfaces = networkInterfaces(),
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (address === '0.0.0.0') return true;
  return Object.values(interfaces).some((infos) =>
    (infos ?? []).some(
      (info) =>
        info.family === 'IPv4' &&
        (info.address === address ||
          (platform === 'linux' && info.internal && info.cidr !== null && cidrContains(info.cidr, address))),
    ),
  );
}

/** True when an agent's endpoint names this host: `localhost`, a loopback address, or an address of this host. */
export function isLocalEndpoint(endpoint: string, interfaces: HostInterfaces = networkInterfaces()): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  if (host === 'localhost' || host === '[::1]') return true;
  return isIpv4(host) && (cidrContains('127.0.0.0/8', host) || isHostAddress(host, interfaces));
}
