/** The `--store` and `--prefix` options of `albkit agent`: which etcd members, and the key prefix of this fleet. */

/** The key prefix when `--prefix` is not given. */
export const DEFAULT_ETCD_PREFIX = '/albkit/default';

/** Where an etcd store keeps its state. */
export interface EtcdLocation {
  /** `http://host:port` of each member. */
  hosts: string[];
  /** The key prefix, such as `/albkit/shop`: starts with `/`, no trailing `/`. */
  prefix: string;
}

/**
 * Parses `etcd://host:port[,host:port…]` and a prefix. Throws an error naming the option at fault.
 */
export function parseEtcdLocation(store: string, prefix: string = DEFAULT_ETCD_PREFIX): EtcdLocation {
  const match = /^etcd:\/\/(.+)$/.exec(store);
  if (!match)
    throw new Error(`--store: "${store}" is not etcd://host:port[,host:port] (leave --store out for the state file)`);
  const hosts = (match[1] as string).split(',').map((member) => {
    const parts = /^(?:\[[^\]]+\]|[^:/[\]]+):(\d{1,5})$/.exec(member);
    if (!parts || Number(parts[1]) > 65535)
      throw new Error(`--store: member "${member}" is not host:port (such as 127.0.0.1:2379)`);
    return `http://${member}`;
  });
  if (!/^\/[^\s]*[^/\s]$/.test(prefix))
    throw new Error(
      `--prefix: "${prefix}" must start with "/", not end with "/" and hold no spaces (such as /albkit/shop)`,
    );
  return { hosts, prefix };
}
