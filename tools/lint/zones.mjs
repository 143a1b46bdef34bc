// @ts-check
/**
 * The zones of the source tree and the imports each may not make: the agent side and the client side of the
 * control API meet only in what they share (runtime/contract, runtime/agent-defaults.ts and lib/), and lib/
 * imports none of them. eslint.config.mjs turns each zone into a `no-restricted-imports` rule; the folders'
 * names are unique in the tree, so a relative import is matched by the folder it reaches into.
 */

/** A relative import (`./x`, `../x`, `../../runtime/x`) that reaches into one of the `folders`. */
function into(folders) {
  return `^\\.\\.?/(?:\\.\\./)*(?:runtime/)?(?:${folders.join('|')})(?:/|$)`;
}

/** A relative import of one of the agent's files at the top of runtime/ (not a same-named file beside the importer). */
function agentFile() {
  return '^\\.\\./(?:\\.\\./)*(?:runtime/)?(?:agent|log|metrics)$';
}

const AGENT = 'the agent side (runtime/api, runtime/store, runtime/dataplane, runtime/agent.ts, log.ts, metrics.ts)';
const CLIENT = 'the client side (runtime/client, runtime/deploy, runtime/terraform, constructs/pulumi)';
const SHARED = 'runtime/contract (what goes over the control API), runtime/agent-defaults.ts and lib/';
const FIX = 'move what both sides need into runtime/contract';

/** @type {{ name: string, files: string[], forbidden: { regex: string, message: string }[] }[]} */
export const ZONES = [
  {
    name: 'lib',
    files: ['lib/**/*.ts'],
    forbidden: [
      {
        regex: into(['runtime', 'constructs', 'bin']),
        message: 'lib/ is pure and imports no face, no runtime and no command',
      },
    ],
  },
  {
    name: 'shared',
    files: ['runtime/contract/**/*.ts', 'runtime/agent-defaults.ts'],
    forbidden: [
      {
        regex: into(['api', 'store', 'dataplane', 'client', 'deploy', 'terraform', 'constructs', 'bin']),
        message: `${SHARED} import only lib/ and each other, never either side`,
      },
      { regex: agentFile(), message: `${SHARED} import only lib/ and each other, never either side` },
    ],
  },
  {
    name: 'agent',
    files: [
      'runtime/api/**/*.ts',
      'runtime/store/**/*.ts',
      'runtime/dataplane/**/*.ts',
      'runtime/agent.ts',
      'runtime/log.ts',
      'runtime/metrics.ts',
    ],
    forbidden: [
      {
        regex: into(['client', 'deploy', 'terraform', 'constructs', 'bin']),
        message: `${AGENT} imports ${SHARED}, never ${CLIENT}: ${FIX}`,
      },
    ],
  },
  {
    name: 'client',
    files: [
      'runtime/client/**/*.ts',
      'runtime/deploy/**/*.ts',
      'runtime/terraform/**/*.ts',
      'constructs/pulumi/**/*.ts',
    ],
    forbidden: [
      {
        regex: into(['api', 'store', 'dataplane', 'bin']),
        message: `${CLIENT} imports ${SHARED}, never ${AGENT}: ${FIX}`,
      },
      { regex: agentFile(), message: `${CLIENT} imports ${SHARED}, never ${AGENT}: ${FIX}` },
    ],
  },
];
