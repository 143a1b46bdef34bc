/**
 * Reading an accepted connection in place: Node offers `onread` (reads into a caller's buffer, no allocation
 * per read) only through the `net.Socket` constructor, so the handle of a socket a server accepted paused
 * (`pauseOnConnect: true`) moves into a new socket made with it. Used by the TCP listeners and the plain HTTP
 * listeners.
 */
import { Socket, type SocketConstructorOpts } from 'node:net';

/** How a socket reading in place reads: into `buffer`, then `callback` (with the socket as `this`); false pauses. */
export interface ReadInPlace {
  readonly buffer: Buffer;
  readonly callback: (this: Socket, bytes: number, buffer: Uint8Array) => boolean;
}

/** `net.Socket` constructor options Node honours without documenting them. */
interface HandleSocketOptions extends SocketConstructorOpts {
  handle: object;
  pauseOnCreate: boolean;
  onread: ReadInPlace;
}

/**
 * Moves the connection of `accepted` (accepted paused, half-open allowed) into a new socket, created paused,
 * that reads with `onread`; undefined when `accepted` has no handle to move (Node's internals changed), for
 * the caller to use `accepted` as it is. `accepted` itself is retired (its server no longer counts it).
 */
export function moveToReadInPlace(accepted: Socket, onread: ReadInPlace): Socket | undefined {
  const internal = accepted as unknown as { _handle?: object | null };
  const handle = internal._handle;
  if (handle === undefined || handle === null) return undefined;
  // Detach the handle, so that retiring the accepted socket (and its count in the server) leaves it open.
  internal._handle = null;
  accepted.destroy();
  const options: HandleSocketOptions = {
    handle,
    allowHalfOpen: true,
    readable: true,
    writable: true,
    pauseOnCreate: true,
    onread,
  };
  return new Socket(options);
}
