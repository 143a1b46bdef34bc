/**
 * Listeners a local agent could not bind: an address (the load balancer's subnet address, or its EIP's) that is
 * not one of this host's. Found before anything is created, so a deploy does not leave resources behind with
 * a FAILED listener retried forever. Only for an agent on this host: another host binds its own addresses.
 */
import type { Manifest } from '../lib';
import { isHostAddress } from '../runtime/deploy/local-host';
import { listenerBindings } from './listener-urls';

/** A listener address this host does not have. */
export interface UnboundListener {
  /** The listener's construct path. */
  path: string;
  /** The address it would bind. */
  address: string;
  /** `listener web/http: 10.0.1.1 (the subnet address of load balancer web) is not an address of this host; …` */
  message: string;
}

/** The hint every such message ends with. */
export const LOOPBACK_HINT =
  "for an agent on this machine use the loopback variant: vpc { cidr: '127.0.0.0/8' }, subnet { cidr: '127.0.0.0/24' } (listeners on 127.0.0.1), an EIP on 127.0.0.x";

/** Every listener address of `manifest` that `isBindable` refuses (by default: not an address of this host). */
export function unboundListeners(
  manifest: Manifest,
  isBindable: (address: string) => boolean = (address) => isHostAddress(address),
): UnboundListener[] {
  return listenerBindings(manifest).flatMap(({ id, addresses }) =>
    addresses
      .filter(({ address }) => !isBindable(address))
      .map(({ address, from }) => ({
        path: id,
        address,
        message: `listener ${id}: ${address} (${from}) is not an address of this host, so a local agent cannot bind it; ${LOOPBACK_HINT}`,
      })),
  );
}

/** Writes one `warning: …` line per unbound listener to stderr; returns them. */
export function warnUnbound(manifest: Manifest): UnboundListener[] {
  const unbound = unboundListeners(manifest);
  for (const { message } of unbound) process.stderr.write(`warning: ${message}\n`);
  return unbound;
}

/** Why a deploy to an agent on this host (`where`) was refused: every unbound listener, and how to go on. */
export function unboundRefusal(verb: string, where: string, unbound: readonly UnboundListener[]): string {
  const lines = unbound.map(({ message }) => `  ${message}`).join('\n');
  return `albkit ${verb}: nothing was created: ${where} runs on this host and cannot bind:\n${lines}\ngive --allow-unbound to deploy anyway`;
}
