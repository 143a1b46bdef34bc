/**
 * The states of an HTTP exchange's response and of a client connection's upgrade hand-off, as numbers (const
 * enums: no objects on the hot path), with the transitions each allows. Transitions are checked when
 * `ALBKIT_ASSERT_STATES=1` (the test script sets it); in production the check is one branch on a constant.
 */

/** Where an exchange's response is. */
export const enum ResponseState {
  /** Nothing from the server yet (waiting for a server, or for its head). */
  Waiting,
  /** The server's head is made, not written yet: it goes out with the first body bytes. */
  HeadPending,
  /** The head is with the client; the body follows. */
  Streaming,
  /** The response is complete: the server's, or an answer made here. */
  Done,
  /** The server switched protocols: the connection is a tunnel. */
  Switched,
}

/** Where a client connection is with an upgrade request (WebSocket…). */
export const enum UpgradeState {
  /** No upgrade request: bytes are requests. */
  None,
  /** An upgrade request is being read. */
  Requested,
  /** The upgrade request was read; nothing more is read until its answer comes. */
  AwaitingAnswer,
  /** The server switched protocols: bytes go to the tunnel. */
  Tunnel,
}

/** A state machine's names and allowed transitions (`allowed[from]`, a bit per `to`). */
export interface StateMachine {
  readonly name: string;
  readonly states: readonly string[];
  readonly allowed: readonly number[];
}

function machine(
  name: string,
  states: readonly string[],
  transitions: Record<string, readonly string[]>,
): StateMachine {
  const allowed = states.map((from) =>
    (transitions[from] ?? []).reduce((bits, to) => bits | (1 << states.indexOf(to)), 0),
  );
  return { name, states, allowed };
}

/** The response's transitions: an answer made here may end it from any state before the head is with the client. */
export const RESPONSE_MACHINE = machine('response', ['Waiting', 'HeadPending', 'Streaming', 'Done', 'Switched'], {
  Waiting: ['HeadPending', 'Done', 'Switched'],
  HeadPending: ['Streaming', 'Done'],
  Streaming: ['Done'],
});

/** The upgrade hand-off's transitions: an ordinary answer to an upgrade request returns to None. */
export const UPGRADE_MACHINE = machine('upgrade', ['None', 'Requested', 'AwaitingAnswer', 'Tunnel'], {
  // A 101 to an upgrade request on a connection that was to close (so never Requested) is carried too.
  None: ['Requested', 'Tunnel'],
  Requested: ['AwaitingAnswer', 'None'],
  AwaitingAnswer: ['Tunnel', 'None'],
});

/** Whether transitions are checked (see the file's comment). */
export const ASSERT_STATES = process.env.ALBKIT_ASSERT_STATES === '1';

/** Throws unless `machine` allows `from` → `to`. */
export function assertTransition(machine: StateMachine, from: number, to: number): void {
  if ((machine.allowed[from]! & (1 << to)) === 0) {
    throw new Error(`${machine.name} state: ${machine.states[from]} → ${machine.states[to]} is not a transition`);
  }
}
