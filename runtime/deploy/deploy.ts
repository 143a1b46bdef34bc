/**
 * `albkit deploy` and `albkit destroy` as functions: compute the plan against the agent's live state, report
 * it, and (unless a dry run) run it. Re-running after an interruption finishes the job: what is already
 * ACTIVE is not touched again.
 */
import { destroyWaves, isEmptyPlan, type Manifest, type Plan, type Step } from '../../lib';
import type { ControlClient } from './client';
import { livePlan } from './live-plan';
import { poll, runPlan, type RunEvent, type RunOptions } from './run';

export interface DeployOptions extends RunOptions {
  /** Only compute and report the plan. @default false */
  dryRun?: boolean;
}

/** The outcome of a deploy or destroy. */
export interface DeployResult {
  ok: boolean;
  plan: Plan;
  /** What failed, naming the resource. */
  message?: string;
}

/** Makes the agent's state match the manifest (creates, updates, replaces, deletes). */
export async function deploy(client: ControlClient, manifest: Manifest, options: DeployOptions = {}): Promise<DeployResult> {
  await waitForDeletions(client, options.stepTimeoutMs ?? 120_000);
  const plan = livePlan(await client.live(), manifest.resources);
  return execute(client, plan, new Map(manifest.resources.map((r) => [r.id, r])), options);
}

/** Deletes every resource of the manifest the agent has, dependents first, and waits until they are gone. */
export async function destroy(client: ControlClient, manifest: Manifest, options: DeployOptions = {}): Promise<DeployResult> {
  const live = new Map((await client.live()).map((l) => [l.resource.id, l.resource]));
  const present = manifest.resources.filter((r) => live.has(r.id)).map((r) => live.get(r.id) ?? r);
  const byId = new Map(present.map((r) => [r.id, r]));
  const waves = destroyWaves(present).map((wave) =>
    wave.map((id): Step => ({ action: 'delete', operation: 'delete', id, kind: byId.get(id)?.kind ?? 'Listener', fields: [] })),
  );
  const plan: Plan = { waves, summary: { create: 0, update: 0, replace: 0, delete: present.length } };
  return execute(client, plan, new Map(), options);
}

async function execute(client: ControlClient, plan: Plan, desired: Map<string, Manifest['resources'][number]>, options: DeployOptions): Promise<DeployResult> {
  const emit = options.onEvent ?? ((_event: RunEvent) => undefined);
  const started = Date.now();
  emit({ type: 'plan', plan, dryRun: options.dryRun === true });
  if (options.dryRun) return { ok: true, plan };
  if (isEmptyPlan(plan)) {
    emit({ type: 'end', ok: true, plan, ms: Date.now() - started });
    return { ok: true, plan };
  }
  const result = await runPlan(client, plan, desired, options);
  emit({ type: 'end', ok: result.ok, plan, ms: Date.now() - started, ...(result.message ? { message: result.message } : {}) });
  return { ...result, plan };
}

/** Waits until the agent has no resource in DELETING (a previous run's deletes finish first). */
async function waitForDeletions(client: ControlClient, timeoutMs: number): Promise<void> {
  await poll(
    Date.now() + timeoutMs,
    async () => ((await client.live()).some((l) => l.state === 'DELETING') ? undefined : true),
    () => new Error(`resources still DELETING after ${timeoutMs} ms`),
  );
}
