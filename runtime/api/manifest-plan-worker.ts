/** The worker thread of `planRun`: plans one manifest run, answers, and exits. */
import { parentPort, workerData } from 'node:worker_threads';
import { livePlan } from '../deploy/live-plan';
import type { PlanInput } from './manifest-plan';

const { owned, desired } = workerData as PlanInput;
parentPort?.postMessage(livePlan(owned, desired));
