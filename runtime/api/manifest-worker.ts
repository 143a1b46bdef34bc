/** The worker thread of `readManifestBody`: parses and validates one manifest body, answers, and exits. */
import { parentPort, workerData } from 'node:worker_threads';
import { manifestOutcome } from './manifest-body';

parentPort?.postMessage(manifestOutcome(workerData as Uint8Array));
