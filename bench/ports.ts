/**
 * The bench's fixed ports, all in 25000–25999 so that parallel test runs never collide with them. HAProxy's
 * and nginx's configurations need ports written down; everything else (the agent's control API) uses port 0.
 */

/** Where everything listens: loopback only. */
export const HOST = '127.0.0.1';

/** The nginx backend ports: the HTTP proxies use the first two; reconfiguration adds and removes the third. */
export const BACKEND_PORTS = [25001, 25002, 25003] as const;

/** The backends' nginx status page (connections accepted), to count the connections a proxy opens. */
export const BACKEND_STATUS_PORT = 25009;

/** The port of the HTTP proxy under test. */
export const HTTP_PROXY_PORT = 25010;

/** The port of the TCP proxy under test. */
export const TCP_PROXY_PORT = 25020;

/** The port of the TCP backend (the socat sink, or the source for downloads) behind the TCP proxy. */
export const TCP_BACKEND_PORT = 25021;

/** The first of the control-plane bench's listener ports (one per listener, upwards). */
export const CONTROL_FIRST_PORT = 25100;

/** The cores: the client and backends on one, the proxy under test alone on the other. */
export const CLIENT_CORE = 0;
export const PROXY_CORE = 1;

/** The apply suite's probed listener, and the one port its bulk listeners share (each on its own 127.1.x.y address). */
export const APPLY_PROBE_PORT = 25030;
export const APPLY_BULK_PORT = 25031;
