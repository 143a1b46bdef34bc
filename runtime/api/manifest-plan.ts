/**
 * The plan of a manifest run: `livePlan` of the stack's live resources against the document, on a worker
 * thread when they are many, since planning 10 000 resources takes the event loop (and with it the data
 * plane) 50–250 ms in one turn.
 */
import { join } from 'node:path';
import type { Plan, Resource } from '../../lib';
import { livePlan, type LiveResource } from '../contract/live-plan';
import { arrayJson } from '../json-slices';
import { workerAnswer } from './worker-answer';

/** Up to this many resources (live and desired together) are planned on the event loop (a few milliseconds). */
export const INLINE_PLAN_RESOURCES = 1000;

/**
 * What the plan worker is given: the live and the desired resources as JSON text, serialized in slices
 * between turns of the event loop (a structured clone of 10 000 resources for `workerData` is one turn of
 * 20–100 ms).
 */
export interface PlanInput {
  ownedJson: string;
  desiredJson: string;
}

/** The plan from the stack's live resources (none DELETING) to the desired ones: here when small, on a worker thread when large. */
export async function planRun(owned: readonly LiveResource[], desired: readonly Resource[]): Promise<Plan> {
  if (owned.length + desired.length <= INLINE_PLAN_RESOURCES) return livePlan(owned, desired);
  const input: PlanInput = { ownedJson: await arrayJson(owned), desiredJson: await arrayJson(desired) };
  return workerAnswer<Plan>(join(__dirname, 'manifest-plan-worker.js'), input);
}
