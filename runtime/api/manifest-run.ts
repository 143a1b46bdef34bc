/**
 * `PUT /v1/manifest`: validate the whole document, plan against the current state, then run the plan in
 * waves through the same checks as single-resource requests, each step waiting until ACTIVE (or gone).
 * One run at a time.
 */
import { ValidationError, validateManifest, type Plan, type Step } from '../../lib';
import { livePlan } from '../deploy/live-plan';
import { toResource } from '../store/state';
import type { Controller } from './controller';
import { conflict, invalid } from './errors';

/** How long one step may take to become ACTIVE or gone. */
const STEP_TIMEOUT_MS = 60_000;

/** The answer of a successful run. */
export interface ManifestRun {
  /** The plan that was run (empty waves: `no changes`). */
  plan: Plan;
  /** The hash of the manifest now in force. */
  hash: string;
}

/** Runs whole manifests against a controller, one at a time. */
export class ManifestRunner {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly controller: Controller) {}

  /** Runs `document` after any run in progress; rejects with an `ApiError` naming the failing resource. */
  run(document: unknown): Promise<ManifestRun> {
    const result = this.chain.then(() => this.runNow(document));
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async runNow(document: unknown): Promise<ManifestRun> {
    let desired;
    try {
      desired = validateManifest(document);
    } catch (error) {
      if (error instanceof ValidationError) throw invalid(error.issues);
      throw error;
    }
    const deleting = this.controller.all().filter((r) => r.state === 'DELETING');
    await Promise.all(deleting.map((r) => this.controller.gone(r.id, STEP_TIMEOUT_MS)));
    const live = this.controller.all().map((r) => ({ resource: toResource(r), state: r.state }));
    const steps = livePlan(live, desired.resources);
    const byId = new Map(desired.resources.map((r) => [r.id, r]));
    for (const wave of steps.waves) {
      const results = await Promise.allSettled(wave.map((step) => this.runStep(step, byId)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return { plan: steps, hash: this.controller.manifest().hash };
  }

  private async runStep(step: Step, desired: Map<string, { spec: unknown; dependsOn: string[] }>): Promise<void> {
    if (step.operation === 'delete') {
      await this.controller.delete(step.kind, step.id);
      await this.controller.gone(step.id, STEP_TIMEOUT_MS);
      return;
    }
    const { spec, dependsOn } = desired.get(step.id) as { spec: unknown; dependsOn: string[] };
    await this.controller.put(step.kind, step.id, { spec, dependsOn });
    const stored = this.controller.all().find((r) => r.id === step.id);
    if (stored) await this.controller.settle(stored, STEP_TIMEOUT_MS);
    if (stored?.state !== 'ACTIVE') {
      throw conflict(`${step.kind} "${step.id}" did not become ACTIVE: ${stored?.reason ?? stored?.state ?? 'it is gone'}`);
    }
  }
}
