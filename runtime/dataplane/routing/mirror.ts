/**
 * Mirroring: a copy of a forwarded request sent to another backend service, fire-and-forget. Only requests
 * without a body are mirrored (a body would have to be held or read at the mirror's pace, and the client's
 * request must never wait for it); the copy is the head the main server gets. Its answer is read and dropped;
 * its failures are ignored (they still count against its server's health). At most `MIRROR_IN_FLIGHT` copies
 * per listener are in flight, and each gives up after `MIRROR_TIMEOUT_MS` of silence, so a slow or dead mirror
 * costs a bounded amount and never delays or fails the client's answer: a copy over the bound is not sent.
 */
import type { Socket } from 'node:net';
import type { Pool, PoolServer } from '../pool';
import type { UpstreamHandler, UpstreamRequest, UpstreamTunnel } from '../upstream';

/** The most mirrored requests one listener has in flight; more are not sent. */
export const MIRROR_IN_FLIGHT = 64;

/** How long a mirror server may stay silent before its copy is given up. */
export const MIRROR_TIMEOUT_MS = 5000;

/** A listener's mirrored requests: how many are in flight and how many were sent or skipped. */
export interface MirrorCounts {
  inFlight: number;
  sent: number;
  /** Copies not sent: over the bound, a request with a body, or no usable mirror server. */
  skipped: number;
}

/** Mirror counts all at zero. */
export function newMirrorCounts(): MirrorCounts {
  return { inFlight: 0, sent: 0, skipped: 0 };
}

/** Sends a copy of the request with head `head` to `pool`, unless the bound is reached; never throws. */
export function mirrorRequest(
  pool: Pool,
  head: string,
  hasBody: boolean,
  clientIp: string,
  counts: MirrorCounts,
): void {
  if (hasBody || counts.inFlight >= MIRROR_IN_FLIGHT) {
    counts.skipped++;
    return;
  }
  const server = pool.acquire(clientIp);
  if (server === undefined) {
    counts.skipped++;
    return;
  }
  counts.inFlight++;
  counts.sent++;
  pool.httpClient(server).send(new MirrorCopy(pool, server, head, counts));
}

/** One mirrored request: it reads its answer to the end and drops it. */
class MirrorCopy implements UpstreamRequest, UpstreamHandler {
  readonly hasBody = false;
  readonly chunked = false;
  readonly isHead: boolean;
  readonly timeoutMs = MIRROR_TIMEOUT_MS;
  readonly upgrade = undefined;
  readonly handler: UpstreamHandler = this;
  private done = false;

  constructor(
    private readonly pool: Pool,
    private readonly server: PoolServer,
    readonly head: string,
    private readonly counts: MirrorCounts,
  ) {
    this.isHead = head.startsWith('HEAD ');
  }

  onHeaders(): void {}

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    this.end();
  }

  onError(): void {
    this.end();
  }

  flush(): void {}

  onDrain(): void {}

  onSwitch(_statusText: string, _headers: string[], _socket: Socket, _rest: Buffer): UpstreamTunnel | undefined {
    return undefined;
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.counts.inFlight--;
    this.pool.release(this.server);
  }
}
