/**
 * The agent's defaults, apart from the agent itself so that commands which only show or pass them (`albkit
 * deploy`, `--help`) start without loading the control API and the data plane.
 */

/** Where the control API listens when no `--control` is given. */
export const DEFAULT_CONTROL = '127.0.0.1:7070';
/** The state directory when no `--state-dir` is given. */
export const DEFAULT_STATE_DIR = '.albkit';
/**
 * How long in-flight requests and connections may finish: on a stop, and on a listener, backend service or
 * server that a change removed.
 */
export const DEFAULT_DRAIN_MS = 10_000;
