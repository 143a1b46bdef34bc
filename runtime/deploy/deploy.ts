/**
 * `albkit deploy` and `albkit destroy` as functions, scoped to a stack: compute the plan against the
 * resources the stack owns on the agent, report it, and (unless a dry run) run it, writing the stack's owner
 * on every put. Resources of other owners are never updated or deleted; an app id owned by someone else
 * stops the run before any change, unless `adopt` takes it over. Re-running after an interruption finishes
 * the job: what is already ACTIVE is not touched again.
 */
import {
  destroyWaves,
  isEmptyPlan,
  plan as planOf,
  type Manifest,
  type Plan,
  type Resource,
  type Step,
} from '../../lib';
import { ControlApiError, type ControlClient } from '../client/control-client';
import { plannedCurrent, type LiveResource } from '../contract/live-plan';
import { detailPlan, type DetailedPlan } from './plan-changes';
import { DEFAULT_STEP_TIMEOUT_MS, poll, runPlan, type Adoption, type RunEvent, type RunOptions } from './run';
import { DEFAULT_STACK, stackOwner, stackScope, type StackScope } from '../contract/stack';
import { DeployError } from './deploy-error';
import { OwnershipError } from './stack';

export interface DeployOptions extends RunOptions {
  /** Only compute and report the plan (and what would be adopted). @default false */
  dryRun?: boolean;
  /** The stack: it owns its resources as `deploy/<stack>` and changes no others. @default 'default' */
  stack?: string;
  /** Take over the app's resources that another owner (or none) has, instead of refusing. @default false */
  adopt?: boolean;
}

/** The outcome of a deploy or destroy. */
export interface DeployResult {
  ok: boolean;
  plan: Plan;
  /** A dry run's plan with each step's field changes (old and new values, secrets as fingerprints). */
  preview?: DetailedPlan;
  /** Resources taken over from another owner (or none), or that a dry run would take over. */
  adopted: Adoption[];
  /** What failed, naming the resource. */
  message?: string;
}

/**
 * Makes the stack's resources on the agent match the manifest (creates, updates, replaces, deletes). Throws
 * `OwnershipError` before any change when the manifest names resources the stack does not own (and no adopt).
 */
export async function deploy(
  client: ControlClient,
  manifest: Manifest,
  options: DeployOptions = {},
): Promise<DeployResult> {
  await waitForDeletions(client, options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS);
  const scope = await scopeOf(client, manifest, options);
  const current = plannedCurrent(scope.owned, manifest.resources);
  return execute(
    client,
    planOf(current, manifest.resources),
    current,
    scope,
    new Map(manifest.resources.map((r) => [r.id, r])),
    options,
  );
}

/**
 * Deletes every resource the stack owns (the manifest's, and any left from an earlier version of it),
 * dependents first, and waits until they are gone. Throws `OwnershipError` like `deploy`.
 */
export async function destroy(
  client: ControlClient,
  manifest: Manifest,
  options: DeployOptions = {},
): Promise<DeployResult> {
  const scope = await scopeOf(client, manifest, options);
  const present = scope.owned.map((l) => l.resource);
  const byId = new Map(present.map((r) => [r.id, r]));
  const waves = destroyWaves(present).map((wave) =>
    wave.map((id): Step => ({
      action: 'delete',
      operation: 'delete',
      id,
      kind: byId.get(id)?.kind ?? 'Listener',
      fields: [],
    })),
  );
  const plan: Plan = { waves, summary: { create: 0, update: 0, replace: 0, delete: present.length } };
  return execute(client, plan, present, scope, new Map(), options);
}

/** The stack's scope on the agent now; refuses foreign resources unless adopting. */
async function scopeOf(client: ControlClient, manifest: Manifest, options: DeployOptions): Promise<StackScope> {
  const stack = options.stack ?? DEFAULT_STACK;
  const claimed = new Set(manifest.resources.map((r) => r.id));
  const scope = stackScope(await client.live(), stackOwner(stack), claimed, options.adopt === true);
  if (scope.foreign.length > 0 && options.adopt !== true) throw new OwnershipError(stack, scope.foreign);
  return scope;
}

/** Reports and (unless a dry run) runs `plan`, made from the resources `current` to `desired`. */
async function execute(
  client: ControlClient,
  plan: Plan,
  current: readonly Resource[],
  scope: StackScope,
  desired: Map<string, Resource>,
  options: DeployOptions,
): Promise<DeployResult> {
  const emit = options.onEvent ?? ((_event: RunEvent) => undefined);
  const owner = stackOwner(options.stack ?? DEFAULT_STACK);
  const adopted = scope.foreign.map(({ resource, owner: from }): Adoption => ({
    id: resource.id,
    kind: resource.kind,
    ...(from === undefined ? {} : { from }),
  }));
  const started = Date.now();
  const adopting = adopted.length > 0 ? { adopt: adopted } : {};
  if (options.dryRun) {
    // Field changes only for a dry run, which is for reading them: a deploy of thousands of resources need not wait for them.
    const preview = detailPlan(plan, current, [...desired.values()]);
    emit({ type: 'plan', plan: preview, dryRun: true, ...adopting });
    return { ok: true, plan, preview, adopted };
  }
  emit({ type: 'plan', plan, dryRun: false, ...adopting });
  const etags = new Map(scope.owned.flatMap((l) => (l.etag === undefined ? [] : [[l.resource.id, l.etag] as const])));
  await adopt(client, scope.foreign, owner, etags, emit);
  if (isEmptyPlan(plan)) {
    emit({ type: 'end', ok: true, plan, ms: Date.now() - started });
    return { ok: true, plan, adopted };
  }
  const ran = await runPlan(client, plan, { desired, owner, etags }, options);
  const failed = ran.ok ? await failedMeanwhile(client, desired) : undefined;
  const result = failed === undefined ? ran : { ok: false, message: failed };
  emit({
    type: 'end',
    ok: result.ok,
    plan,
    ms: Date.now() - started,
    ...(result.message ? { message: result.message } : {}),
  });
  return { ...result, plan, adopted };
}

/**
 * Takes ownership first: the resource put again as the agent has it, with the stack's owner (no data-plane
 * change), only if it is still the version read (compare-and-swap on its etag): when another deploy or tool
 * changed or took it meanwhile, the adoption fails and nothing of this deploy's plan runs. `etags` is updated
 * with each adopted resource's new version.
 */
async function adopt(
  client: ControlClient,
  foreign: readonly LiveResource[],
  owner: string,
  etags: Map<string, string>,
  emit: (event: RunEvent) => void,
): Promise<void> {
  for (const { resource, owner: from, etag } of foreign) {
    const taken = await client
      .put(resource, owner, etag === undefined ? undefined : { ifMatch: etag })
      .catch((error: Error) => {
        const raced = error instanceof ControlApiError && error.code === 'PRECONDITION_FAILED';
        const advice = raced
          ? ' (another deploy or tool changed it after this deploy read it; run the deploy again to plan on what is there now)'
          : '';
        throw new DeployError(`${resource.kind} ${resource.id}: cannot take it over: ${error.message}${advice}`);
      });
    etags.set(resource.id, taken.etag);
    emit({ type: 'adopt', id: resource.id, kind: resource.kind, ...(from === undefined ? {} : { from }) });
  }
}

/**
 * The deployed resources that are FAILED once every step is done, named with their reasons: a step can fail a
 * resource it did not change (an EIP's new address moves listeners, and one may find its port in use there).
 */
async function failedMeanwhile(
  client: ControlClient,
  desired: ReadonlyMap<string, Resource>,
): Promise<string | undefined> {
  const failed = (await client.live()).filter((l) => l.state === 'FAILED' && desired.has(l.resource.id));
  if (failed.length === 0) return undefined;
  return failed
    .map(
      ({ resource, reason }) => `${resource.kind} ${resource.id}: FAILED${reason === undefined ? '' : `: ${reason}`}`,
    )
    .join('\n');
}

/** Waits until the agent has no resource in DELETING (a previous run's deletes finish first). */
async function waitForDeletions(client: ControlClient, timeoutMs: number): Promise<void> {
  await poll(
    Date.now() + timeoutMs,
    async () => ((await client.live()).some((l) => l.state === 'DELETING') ? undefined : true),
    () => new DeployError(`resources still DELETING after ${timeoutMs} ms`),
  );
}
