/**
 * The state store of a fleet: the state kept in etcd under one prefix, one key per resource
 * (`resources/<id>`), one per operation (`operations/<seq>`) and the sequence number (`seq`). Every write is
 * one transaction guarded by the mod revision of each key it changes, as this store loaded or last wrote it,
 * so a write based on a stale read fails (`StoreConflictError`) instead of overwriting another agent's.
 * Writes are serialized; a write carries every change made to the state since the last one.
 */
import { Etcd3, isRecoverableError, type IKeyValue, type Namespace, type Watcher } from 'etcd3';
import { StateSchema, OPERATIONS_KEPT } from './file-store';
import { StoreConflictError, StoreUnavailableError, type EtcdStoreError } from './etcd-errors';
import type { EtcdLocation } from './etcd-url';
import { applyRemoteEvents, decodeState, isFleetKey, encodeState, type EncodedState } from './etcd-state';
import { copyState, emptyState, restoreState, type AgentState } from './state';
import type { StateStore } from './state-store';

/** How long one etcd call may take before the write counts as not made. */
const CALL_TIMEOUT_MS = 3000;

/** The state of one fleet in etcd. */
export class EtcdStore implements StateStore {
  private readonly client: Etcd3;
  /** The keys under the fleet's prefix (the fleet's own keys live here too, beside the state's). */
  readonly keys: Namespace;
  private readonly keyPrefix: string;
  private chain: Promise<void> = Promise.resolve();
  private saved: AgentState = emptyState();
  /** The stored value of each key, as `saved` holds it. */
  private values: EncodedState = new Map();
  /** The mod revision of each key, as this store read or wrote it. */
  private readonly revisions = new Map<string, string>();
  /** Keys another writer changed while this agent had an unstored change of them: the next write of them fails. */
  private readonly stale = new Set<string>();
  /** Revisions of this store's own writes, skipped when the watch reports them. */
  private readonly own = new Set<string>();
  private loadedRevision = '0';
  private watcher: Watcher | undefined;
  private written = 0;
  private failures = 0;
  private lastError: EtcdStoreError | undefined;

  constructor(readonly location: EtcdLocation) {
    this.client = new Etcd3({ hosts: location.hosts, dialTimeout: CALL_TIMEOUT_MS, defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_TIMEOUT_MS }) });
    this.keyPrefix = `${location.prefix}/`;
    this.keys = this.client.namespace(this.keyPrefix);
  }

  /** The state as etcd holds it (loaded, last written, or as the watch reported it): what the data plane runs. */
  get durable(): AgentState {
    return this.saved;
  }

  /** The etcd revision the state in `durable` is at. */
  get revision(): string {
    return this.loadedRevision;
  }

  /** How many transactions this store committed. */
  get writes(): number {
    return this.written;
  }

  /** How many writes failed (conflicts and etcd unreachable) (`albkit_store_write_failures_total`). */
  get failedWrites(): number {
    return this.failures;
  }

  /** Reads every key under the prefix at one revision. Throws when etcd does not answer or what is stored is unusable. */
  async load(): Promise<AgentState> {
    let response;
    try {
      response = await this.keys.getAll().exec();
    } catch (error) {
      throw new Error(`--store: cannot read ${this.location.prefix} from etcd (${this.location.hosts.join(', ')}): ${(error as Error).message}`);
    }
    this.values = new Map();
    for (const kv of response.kvs) {
      const key = this.relative(kv);
      if (isFleetKey(key)) continue;
      this.values.set(key, kv.value.toString());
      this.revisions.set(key, kv.mod_revision);
    }
    const state = decodeState(this.values, (detail) => new Error(`etcd prefix ${this.location.prefix} is unusable: ${detail}; the agent left it untouched`), StateSchema);
    this.loadedRevision = response.header.revision;
    this.saved = copyState(state, OPERATIONS_KEPT);
    return state;
  }

  /**
   * Makes the current content of `state` durable in one guarded transaction; resolves once a snapshot taken
   * at or after this call is stored. A write that fails puts `state` back to `durable` and rejects, for its
   * callers and for the writes queued behind it, whose changes were undone with it.
   */
  save(state: AgentState): Promise<void> {
    const failures = this.failures;
    const write = this.chain.then(() => {
      if (this.failures !== failures && this.lastError) throw this.lastError;
      return this.write(state);
    });
    this.chain = write.catch(() => undefined);
    return write;
  }

  /**
   * Watches the prefix from the loaded revision: changes written by others are applied to `live` (a resource
   * this agent changed and has not stored is left as it is, and its next write fails) and to `durable`, then
   * `changed` is called.
   */
  async follow(live: AgentState, changed: () => void): Promise<void> {
    this.watcher = await this.keys
      .watch()
      .prefix('')
      .startRevision(String(BigInt(this.loadedRevision) + 1n))
      .create();
    this.watcher.on('data', (response) => {
      const events = response.events.filter((event) => !isFleetKey(this.relative(event.kv)) && !this.own.has(event.kv.mod_revision) && BigInt(event.kv.mod_revision) > BigInt(this.revisions.get(this.relative(event.kv)) ?? '0'));
      for (const event of response.events) if (BigInt(event.kv.mod_revision) > BigInt(this.loadedRevision)) this.loadedRevision = event.kv.mod_revision;
      if (events.length === 0) return;
      const remote = events.map((event) => ({ key: this.relative(event.kv), value: event.type === "Put" ? event.kv.value.toString() : undefined, revision: event.kv.mod_revision }));
      for (const change of remote) {
        if (change.value === undefined) this.revisions.delete(change.key);
        else this.revisions.set(change.key, change.revision);
      }
      for (const key of applyRemoteEvents(remote, { live, saved: this.saved, values: this.values })) this.stale.add(key);
      changed();
    });
  }

  /** Stops the watch and closes the connections. */
  async close(): Promise<void> {
    await this.watcher?.cancel();
    this.client.close();
  }

  private relative(kv: IKeyValue): string {
    const key = kv.key.toString();
    return key.startsWith(this.keyPrefix) ? key.slice(this.keyPrefix.length) : key;
  }

  private async write(state: AgentState): Promise<void> {
    const snapshot = copyState(state, OPERATIONS_KEPT);
    const next = encodeState(snapshot);
    const puts = [...next].filter(([key, value]) => this.values.get(key) !== value);
    const deletes = [...this.values.keys()].filter((key) => !next.has(key));
    // Operations are guarded by `seq`, which every write that adds one changes.
    const guarded = [...puts.map(([key]) => key), ...deletes].filter((key) => !key.startsWith('operations/'));
    if (guarded.length === 0) return;
    const staleKeys = guarded.filter((key) => this.stale.has(key));
    if (staleKeys.length > 0) this.fail(state, new StoreConflictError(staleKeys.map(describeKey)));
    const [first, ...rest] = guarded as [string, ...string[]];
    let transaction = this.keys.if(first, 'Mod', '==', this.revisions.get(first) ?? 0);
    for (const key of rest) transaction = transaction.and(key, 'Mod', '==', this.revisions.get(key) ?? 0);
    transaction = transaction.then(...puts.map(([key, value]) => this.keys.put(key).value(value)), ...deletes.map((key) => this.keys.delete().key(key)));
    this.written += 1;
    let response;
    try {
      response = await transaction.commit();
    } catch (error) {
      const detail = isRecoverableError(error as Error) ? `unreachable (${(error as Error).message})` : (error as Error).message;
      return this.fail(state, new StoreUnavailableError(this.location.hosts, detail));
    }
    if (!response.succeeded) this.fail(state, new StoreConflictError(guarded.map(describeKey)));
    const revision = response.header.revision;
    this.own.add(revision);
    for (const [key] of puts) this.revisions.set(key, revision);
    for (const key of deletes) this.revisions.delete(key);
    this.values = next;
    this.saved = snapshot;
    if (BigInt(revision) > BigInt(this.loadedRevision)) this.loadedRevision = revision;
  }

  private fail(state: AgentState, error: EtcdStoreError): never {
    this.failures += 1;
    this.lastError = error;
    this.stale.clear();
    restoreState(state, this.saved);
    throw error;
  }
}

/** A key as a message names it: the resource id, or the key itself. */
function describeKey(key: string): string {
  return key.startsWith('resources/') ? `"${key.slice('resources/'.length)}"` : key;
}
