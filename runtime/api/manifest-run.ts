/**
 * `PUT /v1/manifest?stack=<name>`: validate the whole document, plan against what the stack owns, then run
 * the plan in waves through the same checks as single-resource requests, each step waiting until ACTIVE (or
 * gone). Every put writes the stack's owner; resources of other owners are never changed. One run at a time.
 * Adoptions and steps are conditional on the version read when planning (as `albkit deploy`'s are), so a
 * resource that a single request changes meanwhile fails the run (412) instead of being overwritten.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { type Manifest, type Plan, type Resource, type Step } from '../../lib';
import { etagOf, stepPrecondition } from '../contract/precondition';
import { DEFAULT_STACK, ownershipMessage, stackOwner, stackScope } from '../contract/stack';
import { toResource, type StoredResource } from '../store/state';
import type { Controller } from './controller';
import { conditionsFrom } from './conditional';
import { ApiError, conflict } from './errors';
import { readManifestBody, validManifest } from './manifest-body';
import { planRun } from './manifest-plan';

/** How long one step may take to become ACTIVE or gone. */
const STEP_TIMEOUT_MS = 60_000;

/**
 * Steps checked and stored together: each chunk is one validation of the would-be state (O(resources)) and one
 * write, one turn of the event loop (which runs the data plane) of about 20–40 ms with 10 000 resources.
 */
export const CHUNK_STEPS = 100;

/**
 * The pause after each chunk, in which the event loop serves I/O alone. A new connection to a listener takes
 * several turns (accept, request, upstream connect, response…): with one turn between chunks, each of them
 * would wait for a whole chunk; with a pause they all run in it, so a request waits for at most one chunk.
 */
export const CHUNK_PAUSE_MS = 10;

/**
 * Turns of the event loop after the pause's time, each of which polls for I/O: as many as a new connection
 * needs, also when the process was descheduled for the whole pause and its timer fires late (then the time
 * alone would give I/O a single turn).
 */
export const CHUNK_PAUSE_TURNS = 5;

/** Lets the event loop serve I/O alone between two chunks: for `CHUNK_PAUSE_MS`, then `CHUNK_PAUSE_TURNS` more turns. */
async function pause(): Promise<void> {
  await sleep(CHUNK_PAUSE_MS);
  for (let turn = 0; turn < CHUNK_PAUSE_TURNS; turn += 1) await nextTurn();
}

/** Which stack a run deploys. */
export interface ManifestScope {
  /** The stack; its resources are owned by `deploy/<stack>`. @default 'default' */
  stack?: string;
  /** Take over the document's resources that another owner (or none) has, instead of refusing. @default false */
  adopt?: boolean;
}

/** The answer of a successful run. */
export interface ManifestRun {
  /** The stack that was deployed. */
  stack: string;
  /** The plan that was run (empty waves: `no changes`). */
  plan: Plan;
  /** Ids taken over from another owner (or none) with `adopt`. */
  adopted: string[];
  /** The hash of the stack's resources now in force (equal to the document's hash once all applied). */
  hash: string;
}

/**
 * The one run slot, held from the moment a `PUT /v1/manifest` arrives (before its body is read) until its
 * run ends, or until the request ends without a run (refused, aborted).
 */
export interface RunClaim {
  /** The stack the holder deploys. */
  readonly stack: string;
  /** A run started with the claim: only its end frees the slot. */
  running: boolean;
}

/** Runs whole manifests against a controller, one at a time: another run meanwhile is refused (429 BUSY). */
export class ManifestRunner {
  private slot: RunClaim | undefined;

  constructor(private readonly controller: Controller) {}

  /** Takes the run slot for `stack`; 429 `BUSY` (naming the stack that holds it) while another holds it. */
  claim(stack: string = DEFAULT_STACK): RunClaim {
    if (this.slot !== undefined) {
      throw new ApiError(
        'BUSY',
        `a manifest run (stack "${this.slot.stack}") is in progress and runs one at a time; retry once it has finished`,
      );
    }
    this.slot = { stack, running: false };
    return this.slot;
  }

  /** Frees the slot of a claim whose request ended without a run; a no-op once its run started or ended. */
  release(claim: RunClaim): void {
    if (this.slot === claim && !claim.running) this.slot = undefined;
  }

  /**
   * Runs `document` (a parsed manifest document, or the raw bytes of a `PUT /v1/manifest` body) with the slot
   * of `claim` (taken now when none is given); rejects with an `ApiError` naming the failing resource, or 429
   * `BUSY` while another run holds the slot.
   */
  async run(
    document: unknown,
    scope: ManifestScope = {},
    claim: RunClaim = this.claim(scope.stack),
  ): Promise<ManifestRun> {
    claim.running = true;
    try {
      const desired = Buffer.isBuffer(document) ? await readManifestBody(document) : validManifest(document);
      await nextTurn();
      return await this.runNow(desired, claim.stack, scope.adopt === true);
    } finally {
      claim.running = false;
      this.release(claim);
    }
  }

  private async runNow(desired: Manifest, stack: string, adopt: boolean): Promise<ManifestRun> {
    const owner = stackOwner(stack);
    const deleting = this.controller.all().filter((r) => r.state === 'DELETING');
    await this.controller.goneAll(
      deleting.map((r) => r.id),
      STEP_TIMEOUT_MS,
    );
    const live = this.controller
      .all()
      .map((r) => ({ resource: toResource(r), state: r.state, owner: r.owner, etag: etagOf(r) }));
    const { owned, foreign } = stackScope(live, owner, new Set(desired.resources.map((r) => r.id)), adopt);
    if (foreign.length > 0 && !adopt) {
      const issues = foreign.map((l) => ({
        path: l.resource.id,
        field: 'owner',
        message: `is owned by ${l.owner ?? 'no one'}, not by ${owner}`,
      }));
      throw new ApiError('CONFLICT', ownershipMessage(stack, foreign, '?adopt=true'), issues);
    }
    const etags = new Map(live.map((l) => [l.resource.id, l.etag]));
    for (const chunk of chunksOf(foreign)) {
      const taken = this.controller.stagePuts(
        chunk.map(({ resource, etag }) => ({
          kind: resource.kind,
          id: resource.id,
          body: { spec: resource.spec, dependsOn: resource.dependsOn, owner },
          conditions: conditionsFrom({ ifMatch: etag }),
        })),
      );
      await taken.saved;
      for (const { resource } of taken.outcomes) etags.set(resource.id, etagOf(resource));
    }
    const steps = await planRun(owned, desired.resources);
    const byId = new Map(desired.resources.map((r) => [r.id, r]));
    for (const wave of steps.waves) {
      await this.deleteWave(
        wave.filter((step) => step.operation === 'delete'),
        etags,
      );
      await this.putWave(
        wave.filter((step) => step.operation === 'put'),
        byId,
        owner,
        etags,
      );
    }
    return {
      stack,
      plan: steps,
      adopted: foreign.map((l) => l.resource.id),
      hash: await this.controller.manifestHash(owner),
    };
  }

  /** Deletes the steps' resources chunk by chunk, then waits until all are gone. */
  private async deleteWave(steps: readonly Step[], etags: ReadonlyMap<string, string>): Promise<void> {
    if (steps.length === 0) return;
    const writes: Promise<void>[] = [];
    for (const [index, chunk] of chunksOf(steps).entries()) {
      if (index > 0) await pause();
      writes.push(
        this.controller.stageDeletes(
          chunk.map((step) => ({
            kind: step.kind,
            id: step.id,
            conditions: conditionsFrom(stepPrecondition(step, etags)),
          })),
        ).saved,
      );
    }
    await Promise.all(writes);
    await this.controller.goneAll(
      steps.map((step) => step.id),
      STEP_TIMEOUT_MS,
    );
  }

  /**
   * Puts the steps' resources chunk by chunk (their writes shared), then waits until the data plane has them
   * (also when a chunk was refused: what was stored before it is applied all the same); each must be ACTIVE.
   */
  private async putWave(
    steps: readonly Step[],
    desired: ReadonlyMap<string, Resource>,
    owner: string,
    etags: ReadonlyMap<string, string>,
  ): Promise<void> {
    if (steps.length === 0) return;
    const stored: StoredResource[] = [];
    const writes: Promise<void>[] = [];
    try {
      for (const [index, chunk] of chunksOf(steps).entries()) {
        if (index > 0) await pause();
        const requests = chunk.map((step) => {
          const { spec, dependsOn } = desired.get(step.id) as Resource;
          return {
            kind: step.kind,
            id: step.id,
            body: { spec, dependsOn, owner },
            conditions: conditionsFrom(stepPrecondition(step, etags)),
          };
        });
        const { outcomes, saved } = this.controller.stagePuts(requests);
        stored.push(...outcomes.map((outcome) => outcome.resource));
        writes.push(saved);
      }
    } finally {
      await Promise.allSettled(writes);
      await this.controller.settleAll(stored, STEP_TIMEOUT_MS);
    }
    await Promise.all(writes);
    const present = new Set(this.controller.all());
    for (const [index, resource] of stored.entries()) {
      if (resource.state === 'ACTIVE' && present.has(resource)) continue;
      const step = steps[index] as Step;
      const why = present.has(resource) ? (resource.reason ?? resource.state) : 'it is gone';
      throw conflict(`${step.kind} "${step.id}" did not become ACTIVE: ${why}`);
    }
  }
}

/** `items` in chunks of `CHUNK_STEPS`. */
function chunksOf<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK_STEPS) chunks.push(items.slice(start, start + CHUNK_STEPS));
  return chunks;
}
