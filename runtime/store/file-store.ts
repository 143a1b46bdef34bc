/**
 * The default state store: one JSON file, `<state-dir>/state.json`, replaced atomically on every change.
 * Writes are serialized and concurrent saves are committed together; the snapshot is taken at once and
 * serialized in slices between turns of the event loop; a file that cannot be read back is never
 * overwritten.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AlbkitError, KIND_NAMES, ValidationError, formatIssue, validateResources, zodIssues } from '../../lib';
import { writeFileAtomic } from './atomic';
import { Owner } from '../contract/owner';
import { copyState, emptyState, restoreState, type AgentState } from './state';
import { stateTextPieces } from '../json-slices';
import type { StateStore } from './state-store';

/** How many operations the state file keeps. */
export const OPERATIONS_KEPT = 10_000;

/** The state file exists but cannot be used: the agent refuses to start and leaves the file as it is. */
export class StateFileError extends AlbkitError {
  readonly code = 'ALBKIT_STATE_FILE';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`state file ${file} is unusable: ${detail}. Fix or move the file away; the agent left it untouched`);
    this.name = 'StateFileError';
  }
}

const StoredResourceSchema = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(KIND_NAMES),
  dependsOn: z.array(z.string()),
  spec: z.record(z.string(), z.unknown()),
  state: z.enum(['CREATING', 'ACTIVE', 'FAILED', 'DELETING']),
  reason: z.string().optional(),
  generation: z.number().int().min(1),
  owner: Owner.optional(),
});

/** What a stored state must look like (any store). */
export const StateSchema = z.strictObject({
  version: z.literal(1),
  resources: z.array(StoredResourceSchema),
  operations: z.array(
    z.strictObject({
      seq: z.number().int().min(1),
      time: z.string(),
      op: z.enum(['create', 'update', 'delete']),
      id: z.string(),
      kind: z.enum(KIND_NAMES),
    }),
  ),
  seq: z.number().int().min(0),
});

/**
 * A change could not be made durable (the disk is full, say): nothing of it was kept, in memory or on disk,
 * and the control API answers 507.
 */
export class StateWriteError extends AlbkitError {
  readonly code = 'ALBKIT_STATE_WRITE';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(
      `the change was not stored: cannot write ${file}: ${detail}; nothing was changed (free space on its file system, then retry)`,
    );
    this.name = 'StateWriteError';
  }
}

/** The state file of one state directory. */
export class FileStore implements StateStore {
  /** The path of `state.json`. */
  readonly file: string;
  private chain: Promise<void> = Promise.resolve();
  /** The write the next `save` calls join; it has not started yet. */
  private next: Promise<void> | undefined;
  /** The state the next write takes its snapshot of: the one the latest `save` was given. */
  private latest: AgentState | undefined;
  private written = 0;
  /** What the file holds: the state loaded or last written. */
  private saved: AgentState = emptyState();
  /** How many writes failed; a write queued before a failure is refused, as its changes were undone. */
  private failures = 0;
  private lastFailure = '';

  constructor(stateDir: string) {
    this.file = join(stateDir, 'state.json');
  }

  /**
   * The state as it is on disk (loaded, or as the last successful write left it): what the data plane runs,
   * so a change reaches it only once it is durable. Not to be changed.
   */
  get durable(): AgentState {
    return this.saved;
  }

  /** How many times the file has been written since this store was made. */
  get writes(): number {
    return this.written;
  }

  /** The number of writes, as the revision of a fleet of one. */
  get revision(): string {
    return String(this.writes);
  }

  /** How many writes of the file failed since this store was made (`albkit_store_write_failures_total`). */
  get failedWrites(): number {
    return this.failures;
  }

  /** Reads the state; an empty state when the file does not exist. Throws `StateFileError` when it is unusable. */
  async load(): Promise<AgentState> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.saved = emptyState();
        return emptyState();
      }
      throw new StateFileError(this.file, (error as Error).message);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new StateFileError(this.file, `not valid JSON (${(error as Error).message})`);
    }
    const parsed = StateSchema.safeParse(json);
    if (!parsed.success) {
      throw new StateFileError(this.file, zodIssues('state', parsed.error).map(formatIssue).slice(0, 5).join('; '));
    }
    try {
      validateResources(parsed.data.resources.map(({ id, kind, dependsOn, spec }) => ({ id, kind, dependsOn, spec })));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new StateFileError(
        this.file,
        `its resources are invalid: ${error.issues.map(formatIssue).slice(0, 5).join('; ')}`,
      );
    }
    const state = parsed.data as AgentState;
    this.saved = copyState(state, OPERATIONS_KEPT);
    return state;
  }

  /**
   * Makes the current content of `state` durable; resolves once a snapshot taken at or after this call is on
   * disk. Group commit: calls made while a write is in flight share the next write, whose snapshot is taken
   * when it starts, so a burst of changes costs one atomic write and fsync instead of one each, and no change
   * is acknowledged before a snapshot holding it is on disk.
   *
   * A write that fails puts `state` back to what is on disk (`durable`) and rejects with `StateWriteError`,
   * for its callers and for those of the write queued behind it, whose changes were undone with it.
   */
  save(state: AgentState): Promise<void> {
    this.latest = state;
    if (this.next === undefined) {
      const failures = this.failures;
      const write: Promise<void> = this.chain.then(() => {
        if (this.next === write) this.next = undefined;
        if (this.failures !== failures)
          throw new StateWriteError(
            this.file,
            `an earlier write failed (${this.lastFailure}) and this change was undone with it`,
          );
        return this.write(this.latest as AgentState);
      });
      this.next = write;
      this.chain = write.catch(() => undefined);
    }
    return this.next;
  }

  private async write(state: AgentState): Promise<void> {
    const snapshot = copyState(state, OPERATIONS_KEPT);
    this.written += 1;
    try {
      await writeFileAtomic(this.file, await stateTextPieces(snapshot));
    } catch (error) {
      this.failures += 1;
      this.lastFailure = (error as Error).message;
      restoreState(state, this.saved);
      // Saves from here on are of the restored state: they start a new write.
      this.next = undefined;
      throw new StateWriteError(this.file, this.lastFailure);
    }
    this.saved = snapshot;
  }
}
