/**
 * A Pulumi program under mocks whose listener port is an Output that resolves to a value the model refuses:
 * the check runs when the value arrives, and the program must fail naming the resource and field
 * (mocks.test.ts runs it in a process of its own and reads its exit code and output).
 */
import * as pulumi from '@pulumi/pulumi';

void pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  },
  'late',
  'test',
  false,
);

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the face loads once the mocks are set
const { Listener } = require('../../../constructs/pulumi') as typeof import('../../../constructs/pulumi');

new Listener('late/http', {
  endpoint: 'http://127.0.0.1:1',
  token: 'mock-token',
  loadBalancer: 'web',
  protocol: 'HTTP',
  port: pulumi.output(0),
  backendService: 'b',
});
