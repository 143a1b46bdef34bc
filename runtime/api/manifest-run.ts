/**
 * `PUT /v1/manifest?stack=<name>`: validate the whole document, plan against what the stack owns, then run
 * the plan in waves through the same checks as single-resource requests, each step waiting until ACTIVE (or
 * gone). Every put writes the stack's owner; resources of other owners are never changed. One run at a time.
 * Adoptions and steps are conditional on the version read when planning (as `albkit deploy`'s are), so a
 * resource that a single request changes meanwhile fails the run (412) instead of being overwritten.
 */
import { ValidationError, validateManifest, type Plan, type Step } from '../../lib';
import { livePlan } from '../deploy/live-plan';
import { etagOf, stepPrecondition } from '../client/precondition';
import { DEFAULT_STACK, ownershipMessage, stackOwner, stackScope } from '../deploy/stack';
import { toResource } from '../store/state';
import type { Controller } from './controller';
import { conditionsFrom } from './conditional';
import { ApiError, conflict, invalid } from './errors';

/** How long one step may take to become ACTIVE or gone. */
const STEP_TIMEOUT_MS = 60_000;

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

/** Runs whole manifests against a controller, one at a time. */
export class ManifestRunner {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly controller: Controller) {}

  /** Runs `document` after any run in progress; rejects with an `ApiError` naming the failing resource. */
  run(document: unknown, scope: ManifestScope = {}): Promise<ManifestRun> {
    const result = this.chain.then(() => this.runNow(document, scope));
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async runNow(document: unknown, scope: ManifestScope): Promise<ManifestRun> {
    let desired;
    try {
      desired = validateManifest(document);
    } catch (error) {
      if (error instanceof ValidationError) throw invalid(error.issues);
      throw error;
    }
    const stack = scope.stack ?? DEFAULT_STACK;
    const owner = stackOwner(stack);
    const deleting = this.controller.all().filter((r) => r.state === 'DELETING');
    await Promise.all(deleting.map((r) => this.controller.gone(r.id, STEP_TIMEOUT_MS)));
    const live = this.controller.all().map((r) => ({ resource: toResource(r), state: r.state, owner: r.owner, etag: etagOf(r) }));
    const { owned, foreign } = stackScope(live, owner, new Set(desired.resources.map((r) => r.id)), scope.adopt === true);
    if (foreign.length > 0 && scope.adopt !== true) {
      const issues = foreign.map((l) => ({ path: l.resource.id, field: 'owner', message: `is owned by ${l.owner ?? 'no one'}, not by ${owner}` }));
      throw new ApiError('CONFLICT', ownershipMessage(stack, foreign, '?adopt=true'), issues);
    }
    const etags = new Map(live.map((l) => [l.resource.id, l.etag]));
    for (const { resource, etag } of foreign) {
      const taken = await this.controller.put(resource.kind, resource.id, { spec: resource.spec, dependsOn: resource.dependsOn, owner }, conditionsFrom({ ifMatch: etag }));
      etags.set(resource.id, taken.resource.etag);
    }
    const steps = livePlan(owned, desired.resources);
    const byId = new Map(desired.resources.map((r) => [r.id, r]));
    for (const wave of steps.waves) {
      const results = await Promise.allSettled(wave.map((step) => this.runStep(step, byId, owner, etags)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return { stack, plan: steps, adopted: foreign.map((l) => l.resource.id), hash: this.controller.manifest(owner).hash };
  }

  private async runStep(step: Step, desired: Map<string, { spec: unknown; dependsOn: string[] }>, owner: string, etags: ReadonlyMap<string, string>): Promise<void> {
    const conditions = conditionsFrom(stepPrecondition(step, etags));
    if (step.operation === 'delete') {
      await this.controller.delete(step.kind, step.id, conditions);
      await this.controller.gone(step.id, STEP_TIMEOUT_MS);
      return;
    }
    const { spec, dependsOn } = desired.get(step.id) as { spec: unknown; dependsOn: string[] };
    await this.controller.put(step.kind, step.id, { spec, dependsOn, owner }, conditions);
    const stored = this.controller.all().find((r) => r.id === step.id);
    if (stored) await this.controller.settle(stored, STEP_TIMEOUT_MS);
    if (stored?.state !== 'ACTIVE') {
      throw conflict(`${step.kind} "${step.id}" did not become ACTIVE: ${stored?.reason ?? stored?.state ?? 'it is gone'}`);
    }
  }
}
