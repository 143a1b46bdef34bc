/** The worker thread of `planRun`: plans one manifest run, answers, and exits. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Resource } from '../../lib';
import { livePlan, type LiveResource } from '../contract/live-plan';
import type { PlanInput } from './manifest-plan';

const { ownedJson, desiredJson } = workerData as PlanInput;
parentPort?.postMessage(livePlan(JSON.parse(ownedJson) as LiveResource[], JSON.parse(desiredJson) as Resource[]));
