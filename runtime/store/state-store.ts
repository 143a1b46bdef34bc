/**
 * What the agent needs of a state store, whatever keeps the state: the file of one state directory
 * (`FileStore`, the default) or, for a fleet, a store shared by several agents. The control API and the
 * reconciler see only this.
 */
import type { AgentState } from './state';

/** The durable state of one agent: read once at start, written on every accepted change. */
export interface StateStore {
  /**
   * Reads the stored state; an empty state when none was ever stored. Throws when what is stored is unusable
   * (and leaves it untouched).
   */
  load(): Promise<AgentState>;

  /**
   * Makes the current content of `state` durable; resolves once a snapshot taken at or after this call is
   * stored. A write that fails puts `state` back to `durable` and rejects, so no change is acknowledged before
   * it is stored and none that failed stays applied.
   */
  save(state: AgentState): Promise<void>;

  /** The state as it is stored (loaded, or as the last successful write left it): what the data plane runs. */
  readonly durable: AgentState;

  /** How many writes reached the store since it was opened: a revision that grows with every write. */
  readonly writes: number;

  /** The revision `durable` is at, as the store counts them (etcd's revision; the file store's writes). */
  readonly revision: string;

  /** How many writes the store refused or failed since it was opened (`albkit_store_write_failures_total`). */
  readonly failedWrites: number;
}
