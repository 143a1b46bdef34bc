/**
 * The worker thread of `startProbe`: every `intervalMs` it opens a new connection to the listener, sends one
 * `GET /` with `connection: close` and times it until the response has ended (connect, proxy, backend and
 * close), on its own event loop so that the harness's work never delays it. Open loop: a probe starts on
 * time whether or not the previous ones have ended, so a stalled listener shows as many slow probes.
 */
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import type { ProbeSample, ProbeTarget } from './probe';

const target = workerData as ProbeTarget;
const samples: ProbeSample[] = [];
let pending = 0;
let stopping = false;

function probeOnce(): void {
  const startedMicros = Number(process.hrtime.bigint() / 1000n);
  let answer = '';
  let done = false;
  pending += 1;
  const socket = connect(target.port, target.host);
  const finish = (ok: boolean): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.destroy();
    const ms = (Number(process.hrtime.bigint() / 1000n) - startedMicros) / 1000;
    samples.push({ startedMicros, ms, ok });
    pending -= 1;
    if (stopping && pending === 0) report();
  };
  const timer = setTimeout(() => finish(false), target.timeoutMs);
  socket.setEncoding('latin1');
  socket.on('connect', () => socket.write(`GET / HTTP/1.1\r\nhost: ${target.host}\r\nconnection: close\r\n\r\n`));
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('end', () => finish(answer.startsWith('HTTP/1.1 200')));
  socket.on('error', () => finish(false));
}

function report(): void {
  parentPort?.postMessage(samples);
  parentPort?.close();
}

const interval = setInterval(probeOnce, target.intervalMs);
parentPort?.once('message', () => {
  stopping = true;
  clearInterval(interval);
  if (pending === 0) report();
});
