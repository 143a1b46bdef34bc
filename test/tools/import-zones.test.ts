/**
 * The arrows between the agent side, the client side and what they share are lint rules (tools/lint/zones.mjs):
 * an import across them fails `npm run lint`. Each case lints a one-line file placed in a zone, as ESLint
 * would lint it there, with the project's own configuration.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const REPO = join(__dirname, '..', '..', '..');

/** The `no-restricted-imports` messages ESLint gives for `source` as the file `path` of the tree. */
async function restrictedImports(path: string, source: string): Promise<string[]> {
  // The one-line files are not part of the TypeScript project: lint them without type information.
  const eslint = new ESLint({ cwd: REPO, overrideConfig: tseslint.configs.disableTypeChecked });
  const [result] = await eslint.lintText(`${source}\nexport { imported };\n`, { filePath: join(REPO, path) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.fatal).map((m) => m.message);
}

describe('Import zones', () => {
  const refused: Array<[string, string, RegExp]> = [
    [
      'runtime/dataplane/bad.ts',
      "import { deploy as imported } from '../deploy/deploy';",
      /the agent side .* never the client side/,
    ],
    [
      'runtime/api/bad.ts',
      "import { ControlClient as imported } from '../client/control-client';",
      /the agent side .* never the client side/,
    ],
    [
      'runtime/store/bad.ts',
      "import type { LiveResource as imported } from '../../runtime/terraform/provider';",
      /never the client side/,
    ],
    ['runtime/agent.ts', "import { deploy as imported } from './deploy/deploy';", /never the client side/],
    [
      'runtime/client/bad.ts',
      "import type { Representation as imported } from '../api/controller';",
      /the client side .* never the agent side/,
    ],
    [
      'runtime/deploy/bad.ts',
      "import type { StoredResource as imported } from '../store/state';",
      /never the agent side/,
    ],
    ['runtime/terraform/bad.ts', "import { createLogger as imported } from '../log';", /never the agent side/],
    [
      'constructs/pulumi/bad.ts',
      "import type { FileStore as imported } from '../../runtime/store/file-store';",
      /never the agent side/,
    ],
    [
      'runtime/contract/bad.ts',
      "import type { StoredResource as imported } from '../store/state';",
      /never either side/,
    ],
    ['runtime/contract/bad.ts', "import { deploy as imported } from '../deploy/deploy';", /never either side/],
    [
      'lib/bad.ts',
      "import type { Representation as imported } from '../runtime/contract/representation';",
      /lib\/ is pure/,
    ],
  ];
  for (const [path, source, message] of refused) {
    it(`refuses ${source.split(' from ')[1]?.replace(/;$/, '')} in ${path}`, async () => {
      const messages = await restrictedImports(path, source);
      expect(messages).to.have.length(1);
      expect(messages[0]).to.match(message);
    });
  }

  const allowed: Array<[string, string]> = [
    ['runtime/api/good.ts', "import type { Representation as imported } from '../contract/representation';"],
    ['runtime/dataplane/good.ts', "import { DEFAULT_DRAIN_MS as imported } from '../agent-defaults';"],
    ['runtime/client/good.ts', "import { etagOf as imported } from '../contract/precondition';"],
    ['runtime/terraform/good.ts', "import { createLogger as imported } from './log';"],
    ['constructs/pulumi/good.ts', "import type { PutBody as imported } from '../../runtime/contract/put-body';"],
    ['runtime/contract/good.ts', "import { plan as imported } from '../../lib';"],
  ];
  for (const [path, source] of allowed) {
    it(`allows ${source.split(' from ')[1]?.replace(/;$/, '')} in ${path}`, async () => {
      expect(await restrictedImports(path, source)).to.deep.equal([]);
    });
  }
});
