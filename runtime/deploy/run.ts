/**
 * Runs a plan against an agent the way a cloud deployment tool does: wave by wave, the steps of a wave in
 * parallel, each put followed by waiting until ACTIVE (unless its answer already is) and each delete by
 * waiting until gone, stopping at the first wave with a failure. Waits are long polls (`GET ?wait=`). Each
 * write carries the precondition of the version it was planned on (`stepPrecondition`), so a resource another
 * run changed meanwhile fails the step (412) instead of being overwritten.
 */
import { AlbkitError, type Plan, type Resource, type Step } from '../../lib';
import type { Representation } from '../contract/representation';
import { ControlApiError, longPollWait, type ControlClient } from '../client/control-client';
import { stepPrecondition } from '../contract/precondition';

/** A resource a stack takes over: its id and kind, and the owner it had (none: unowned). */
export interface Adoption {
  id: string;
  kind: Step['kind'];
  from?: string;
}

/** What happens during a run, for progress reporters; `plan.adopt` lists the takeovers before the steps. */
export type RunEvent =
  | { type: 'plan'; plan: Plan; dryRun: boolean; adopt?: Adoption[] }
  | ({ type: 'adopt' } & Adoption)
  | { type: 'start'; wave: number; step: Step }
  | { type: 'done'; wave: number; step: Step; ms: number }
  | { type: 'failed'; wave: number; step: Step; message: string }
  | { type: 'end'; ok: boolean; plan: Plan; ms: number; message?: string };

/** How long one step may take to become ACTIVE (or gone) when no timeout is given. */
export const DEFAULT_STEP_TIMEOUT_MS = 120_000;

export interface RunOptions {
  /** How long one step may take to become ACTIVE (or gone). @default 120000 */
  stepTimeoutMs?: number;
  /** Steps of one wave in flight at once. @default 64 */
  concurrency?: number;
  /** Receives every event. */
  onEvent?: (event: RunEvent) => void;
}

/**
 * Steps in flight at once: the agent is local, commits concurrent changes together and applies them to the
 * data plane in one pass, so more steps in flight means fewer writes and applies per resource.
 */
export const DEFAULT_CONCURRENCY = 64;

/** A step that failed, named by its resource. */
export class StepError extends AlbkitError {
  readonly code = 'ALBKIT_DEPLOY_STEP';
  constructor(
    readonly step: Step,
    message: string,
  ) {
    super(`${step.kind} ${step.id}: ${message}`);
    this.name = 'StepError';
  }
}

/** What a run puts: the desired resources by id, and the owner written on each put (none: keep the agent's). */
export interface RunTarget {
  desired: ReadonlyMap<string, Resource>;
  owner?: string;
  /** The etag of each resource as read when planning; a write then requires that version (absent: no check). */
  etags?: ReadonlyMap<string, string>;
}

/** Runs the waves; resolves true when every step succeeded. */
export async function runPlan(
  client: ControlClient,
  plan: Plan,
  target: RunTarget,
  options: RunOptions = {},
): Promise<{ ok: boolean; message?: string }> {
  const emit = options.onEvent ?? (() => undefined);
  const timeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  for (const [index, wave] of plan.waves.entries()) {
    const number = index + 1;
    const failures: string[] = [];
    await eachLimited(wave, options.concurrency ?? DEFAULT_CONCURRENCY, async (step) => {
      emit({ type: 'start', wave: number, step });
      const started = Date.now();
      try {
        await runStep(client, step, target, timeoutMs);
        emit({ type: 'done', wave: number, step, ms: Date.now() - started });
      } catch (error) {
        const message =
          error instanceof StepError ? error.message : `${step.kind} ${step.id}: ${(error as Error).message}`;
        failures.push(message);
        emit({ type: 'failed', wave: number, step, message });
      }
    });
    if (failures.length > 0) return { ok: false, message: failures.join('\n') };
  }
  return { ok: true };
}

async function runStep(client: ControlClient, step: Step, target: RunTarget, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const precondition = target.etags === undefined ? undefined : stepPrecondition(step, target.etags);
  if (step.operation === 'delete') {
    let deleting: boolean;
    try {
      deleting = await client.delete(step.kind, step.id, precondition);
    } catch (error) {
      if (error instanceof ControlApiError) throw new StepError(step, `${error.code}: ${error.message}`);
      throw error;
    }
    if (!deleting) return;
    await poll(
      deadline,
      async () => {
        const current = await client.get(step.kind, step.id, longPollWait(deadline));
        return current === undefined ? 'gone' : undefined;
      },
      () => new StepError(step, `still present after ${timeoutMs} ms`),
    );
    return;
  }
  const resource = target.desired.get(step.id);
  if (!resource) throw new StepError(step, 'is not in the desired manifest');
  let answer: Representation;
  try {
    answer = await client.put(resource, target.owner, precondition);
  } catch (error) {
    if (error instanceof ControlApiError) throw new StepError(step, `${error.code}: ${error.message}`);
    throw error;
  }
  if (createOutcome(step, answer)) return;
  await poll(
    deadline,
    async () => createOutcome(step, await client.get(step.kind, step.id, longPollWait(deadline))),
    () => new StepError(step, `not ACTIVE after ${timeoutMs} ms`),
  );
}

/** 'active' when the resource is ACTIVE, undefined while CREATING; throws when it FAILED or is gone. */
function createOutcome(step: Step, current: Representation | undefined): 'active' | undefined {
  if (!current) throw new StepError(step, 'disappeared while being created');
  if (current.status.state === 'FAILED')
    throw new StepError(step, `FAILED: ${current.status.reason ?? 'no reason given'}`);
  return current.status.state === 'ACTIVE' ? 'active' : undefined;
}

/** Calls `check` with a growing pause (25 ms to 500 ms) until it returns a value or the deadline passes. */
export async function poll<T>(deadline: number, check: () => Promise<T | undefined>, timeout: () => Error): Promise<T> {
  for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw timeout();
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))));
  }
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
