/**
 * The hot path's state machines (http-states.ts): every pair of states is allowed or refused as its table
 * says, and the test script turns the checks on, so the data plane specs run with them.
 */
import { expect } from 'chai';
import {
  ASSERT_STATES,
  RESPONSE_MACHINE,
  UPGRADE_MACHINE,
  assertTransition,
  type StateMachine,
} from '../../../runtime/dataplane/http-states';

const EXPECTED: Array<[StateMachine, Record<string, readonly string[]>]> = [
  [
    RESPONSE_MACHINE,
    {
      Waiting: ['HeadPending', 'Done', 'Switched'],
      HeadPending: ['Streaming', 'Done'],
      Streaming: ['Done'],
      Done: [],
      Switched: [],
    },
  ],
  [
    UPGRADE_MACHINE,
    {
      None: ['Requested', 'Tunnel'],
      Requested: ['AwaitingAnswer', 'None'],
      AwaitingAnswer: ['Tunnel', 'None'],
      Tunnel: [],
    },
  ],
];

describe('HTTP hot-path states', function () {
  it('are checked in tests (ALBKIT_ASSERT_STATES=1, as the test script sets it)', function () {
    if (process.env.ALBKIT_ASSERT_STATES !== '1') this.skip();
    expect(ASSERT_STATES).to.equal(true);
  });

  for (const [machine, expected] of EXPECTED) {
    for (const [fromName, targets] of Object.entries(expected)) {
      it(`${machine.name}: from ${fromName}, only ${targets.join(', ') || 'nothing'}`, function () {
        const from = machine.states.indexOf(fromName);
        expect(from).to.not.equal(-1);
        machine.states.forEach((toName, to) => {
          const check = (): void => assertTransition(machine, from, to);
          if (targets.includes(toName)) expect(check).to.not.throw();
          else expect(check).to.throw(`${machine.name} state: ${fromName} → ${toName} is not a transition`);
        });
      });
    }
  }
});
