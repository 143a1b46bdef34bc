/** A worker thread that is given its input, posts one answer and exits: for work too long for the event loop. */
import { Worker } from 'node:worker_threads';

/**
 * Runs the worker script `file` with `input` as its `workerData`; resolves with the first message it posts,
 * rejects when it fails or exits without one.
 */
export function workerAnswer<T>(file: string, input: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(file, { workerData: input });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker ${file} exited (code ${code}) without an answer`)));
  });
}
