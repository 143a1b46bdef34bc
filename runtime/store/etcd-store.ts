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
import {
  applyRemoteEvents,
  decodeState,
  isFleetKey,
  encodeState,
  type EncodedState,
  type RemoteChange,
} from './etcd-state';
import { copyState, emptyState, restoreState, type AgentState } from './state';
import type { StateStore } from './state-store';

/** How long one etcd call may take before the write counts as not made. */
const CALL_TIMEOUT_MS = 3000;

/** A key another writer changed, with the mod revision of the change. */
type RevisedChange = RemoteChange & { revision: string };

/** What `follow` keeps the store's changes flowing into. */
interface Following {
  live: AgentState;
  changed: () => void;
  resynced: (reason: Error) => void;
}

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
  private following: Following | undefined;
  /** Keys the watch changed while this store's own transaction was in flight, when one is. */
  private changedInFlight: Set<string> | undefined;
  private closed = false;

  constructor(readonly location: EtcdLocation) {
    this.client = new Etcd3({
      hosts: location.hosts,
      dialTimeout: CALL_TIMEOUT_MS,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_TIMEOUT_MS }),
    });
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
      throw new Error(
        `--store: cannot read ${this.location.prefix} from etcd (${this.location.hosts.join(', ')}): ${
          (error as Error).message
        }`,
      );
    }
    this.values = new Map();
    for (const kv of response.kvs) {
      const key = this.relative(kv);
      if (isFleetKey(key)) continue;
      this.values.set(key, kv.value.toString());
      this.revisions.set(key, kv.mod_revision);
    }
    const state = this.decode(this.values);
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
   * `changed` is called. When etcd cancels the watch (its revision was compacted away, as after an etcd
   * restart on compacted data), `resynced` is told why, the whole prefix is read again (retried while etcd does
   * not answer), what differs is applied the same way, and the watch resumes from the revision read.
   */
  async follow(
    live: AgentState,
    changed: () => void,
    resynced: (reason: Error) => void = () => undefined,
  ): Promise<void> {
    this.following = { live, changed, resynced };
    // etcd refuses a watch on a compacted revision at once: that too is answered by reading the prefix again.
    await this.watchFrom(this.loadedRevision).catch((error: Error) => this.resync(error));
  }

  /** Stops the watch and closes the connections. */
  async close(): Promise<void> {
    this.closed = true;
    await this.watcher?.cancel();
    this.client.close();
  }

  private async watchFrom(revision: string): Promise<void> {
    const watcher = await this.keys
      .watch()
      .prefix('')
      .startRevision(String(BigInt(revision) + 1n))
      .create();
    this.watcher = watcher;
    watcher.on('data', (response) => {
      const events = response.events.filter(
        (event) =>
          !isFleetKey(this.relative(event.kv)) &&
          !this.own.has(event.kv.mod_revision) &&
          BigInt(event.kv.mod_revision) > BigInt(this.revisions.get(this.relative(event.kv)) ?? '0'),
      );
      // The state's revision: the fleet's own keys (node records, the election) move etcd's, not the state's.
      for (const event of response.events)
        if (!isFleetKey(this.relative(event.kv)) && BigInt(event.kv.mod_revision) > BigInt(this.loadedRevision))
          this.loadedRevision = event.kv.mod_revision;
      this.applyRemote(
        events.map((event) => ({
          key: this.relative(event.kv),
          value: event.type === 'Put' ? event.kv.value.toString() : undefined,
          revision: event.kv.mod_revision,
        })),
      );
    });
    watcher.on('error', (error) => {
      if (this.watcher === watcher && !this.closed)
        void this.resync(new Error(`the watch was cancelled (${error.message}); its revision may have been compacted`));
    });
    // etcd cancels a watch whose start was compacted right after creating it, before the 'error' listener
    // above can hear it; a read at the start revision tells, as compaction only moves forward.
    const compacted = await this.compactedSince(revision);
    if (compacted !== undefined && this.watcher === watcher) await this.resync(compacted);
  }

  /** The error etcd answers a read at `revision` with when that revision was compacted away; else undefined. */
  private async compactedSince(revision: string): Promise<Error | undefined> {
    try {
      await this.keys.getAll().revision(revision).limit(1).keys();
      return undefined;
    } catch (error) {
      return error instanceof Error && error.message.includes('compacted') ? error : undefined;
    }
  }

  /** Reads the whole prefix again after a cancelled watch, applies what differs, and watches from there. */
  private async resync(reason: Error): Promise<void> {
    this.following?.resynced(reason);
    // etcd already ended the cancelled watch: there is nothing to cancel.
    this.watcher = undefined;
    for (let attempt = 0; !this.closed; attempt += 1) {
      try {
        const response = await this.keys.getAll().exec();
        const stored = new Map<string, { value: string; revision: string }>();
        for (const kv of response.kvs) {
          const key = this.relative(kv);
          if (isFleetKey(key)) continue;
          stored.set(key, { value: kv.value.toString(), revision: kv.mod_revision });
          // A key rewritten with the same value has a new mod revision all the same, which the next guarded write names.
          if (this.revisions.has(key)) this.revisions.set(key, kv.mod_revision);
        }
        const changes: RevisedChange[] = [];
        for (const [key, { value, revision }] of stored)
          if (this.values.get(key) !== value) changes.push({ key, value, revision });
        for (const key of this.values.keys())
          if (!stored.has(key)) changes.push({ key, value: undefined, revision: response.header.revision });
        this.loadedRevision = response.header.revision;
        this.applyRemote(changes);
        await this.watchFrom(this.loadedRevision);
        return;
      } catch {
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(200 * 2 ** attempt, CALL_TIMEOUT_MS) * (0.5 + Math.random() / 2)),
        );
      }
    }
  }

  /** Applies changes another writer stored to the followed state, then tells the follower. */
  private applyRemote(changes: readonly RevisedChange[]): void {
    const following = this.following;
    if (following === undefined || changes.length === 0) return;
    for (const change of changes) {
      this.changedInFlight?.add(change.key);
      if (change.value === undefined) this.revisions.delete(change.key);
      else this.revisions.set(change.key, change.revision);
    }
    for (const key of applyRemoteEvents(changes, { live: following.live, saved: this.saved, values: this.values }))
      this.stale.add(key);
    following.changed();
  }

  /** The state the values encode; an error naming the prefix if they do not. */
  private decode(values: EncodedState): AgentState {
    return decodeState(
      values,
      (detail) => new Error(`etcd prefix ${this.location.prefix} is unusable: ${detail}; the agent left it untouched`),
      StateSchema,
    );
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
    transaction = transaction.then(
      ...puts.map(([key, value]) => this.keys.put(key).value(value)),
      ...deletes.map((key) => this.keys.delete().key(key)),
    );
    this.written += 1;
    const changedInFlight = new Set<string>();
    this.changedInFlight = changedInFlight;
    let response;
    try {
      response = await transaction.commit();
    } catch (error) {
      const detail = isRecoverableError(error as Error)
        ? `unreachable (${(error as Error).message})`
        : (error as Error).message;
      return this.fail(state, new StoreUnavailableError(this.location.hosts, detail));
    } finally {
      this.changedInFlight = undefined;
    }
    if (!response.succeeded) this.fail(state, new StoreConflictError(guarded.map(describeKey)));
    const revision = response.header.revision;
    this.own.add(revision);
    for (const [key] of puts) this.revisions.set(key, revision);
    for (const key of deletes) this.revisions.delete(key);
    // What the watch stored meanwhile stays: this write's keys are laid over the values as they are now.
    for (const [key, value] of puts) this.values.set(key, value);
    for (const key of deletes) this.values.delete(key);
    this.saved = changedInFlight.size === 0 ? snapshot : copyState(this.decode(this.values), OPERATIONS_KEPT);
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
