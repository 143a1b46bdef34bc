/**
 * One error vocabulary: every error albkit throws at its users is an `AlbkitError` with a code, recognized by
 * its brand from any copy of albkit, and every code thrown in the source is in docs/errors.md's table (and the
 * table lists no code the source no longer has).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALBKIT_ERROR, AlbkitError, CycleError, isAlbkitError, ValidationError, createWaves } from '../../lib';
import { albkitProvider } from '../../constructs/pulumi/provider';
import { ControlApiError, ControlClient } from '../../runtime/client/control-client';
import { API_ERROR_STATUS } from '../../runtime/contract/error-codes';

const REPO = join(__dirname, '..', '..', '..');
const SOURCE_DIRS = ['lib', 'constructs', 'runtime', 'bin'];

/** Every TypeScript source file users run (generated bindings left out). */
function sourceFiles(dir = ''): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join('constructs', 'cdktf', 'gen') ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The codes the table of docs/errors.md lists, with the HTTP status column. */
function documentedCodes(): Map<string, string> {
  const rows = readFileSync(join(REPO, 'docs', 'errors.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  return new Map(
    rows.map((row) => {
      const [code, status] = row
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim());
      return [code!.replace(/`/g, ''), status!];
    }),
  );
}

/** The codes the source gives its errors, each with a file that gives it. */
function thrownCodes(): Map<string, string> {
  const patterns = [
    /readonly code = '([A-Z_]+)'/g, // an error class's own code
    /albkitError\(\s*'([A-Z_]+)'/g, // the Pulumi providers' branded errors
    /initFailure\(\s*id,\s*'([A-Z_]+)'/g, // and those Pulumi records as failed to initialize
    /new ControlApiError\([^,]+,\s*'([A-Z_]+)'/g, // the control client's codes for no answer
    /new ApiError\(\s*'([A-Z_]+)'/g,
  ];
  const codes = new Map<string, string>();
  for (const file of SOURCE_DIRS.flatMap((dir) => sourceFiles(dir))) {
    const text = readFileSync(join(REPO, file), 'utf8');
    for (const pattern of patterns) for (const [, code] of text.matchAll(pattern)) codes.set(code!, file);
    if (/`HTTP_\$\{/.test(text)) codes.set('HTTP_<status>', file);
  }
  for (const code of Object.keys(API_ERROR_STATUS)) codes.set(code, 'runtime/contract/error-codes.ts');
  return codes;
}

describe('Error codes', () => {
  it('lists in docs/errors.md every code the source throws', () => {
    const documented = documentedCodes();
    const missing = [...thrownCodes()]
      .filter(([code]) => !documented.has(code))
      .map(([code, file]) => `${code} (${file})`);
    expect(missing, 'add a row to docs/errors.md for each').to.deep.equal([]);
  });

  it('lists no code the source no longer throws', () => {
    const thrown = thrownCodes();
    expect([...documentedCodes().keys()].filter((code) => !thrown.has(code))).to.deep.equal([]);
  });

  it('gives each control API code its HTTP status, as the agent answers it', () => {
    const documented = documentedCodes();
    for (const [code, status] of Object.entries(API_ERROR_STATUS))
      expect(documented.get(code), code).to.match(new RegExp(`^${status}\\b`));
  });

  it('has every error class of the source extend AlbkitError', () => {
    const plain = SOURCE_DIRS.flatMap((dir) => sourceFiles(dir)).flatMap((file) =>
      [...readFileSync(join(REPO, file), 'utf8').matchAll(/class (\w+) extends Error\b/g)]
        .map(([, name]) => name)
        .filter((name) => name !== 'AlbkitError')
        .map((name) => `${name} (${file})`),
    );
    expect(plain).to.deep.equal([]);
  });
});

describe('isAlbkitError', () => {
  it('recognizes albkit errors by their brand and code, keeping their names and messages', () => {
    const validation = new ValidationError([{ path: 'web/http', field: 'port', message: 'must be at most 65535' }]);
    expect(validation).to.be.instanceOf(AlbkitError);
    expect(isAlbkitError(validation)).to.equal(true);
    expect(validation.name).to.equal('ValidationError');
    expect(validation.message).to.equal('1 validation error:\n  web/http: port: must be at most 65535');
    let cycle: unknown;
    try {
      createWaves([
        { id: 'a', dependsOn: ['b'] },
        { id: 'b', dependsOn: ['a'] },
      ]);
    } catch (error) {
      cycle = error;
    }
    expect(cycle).to.be.instanceOf(CycleError);
    expect(isAlbkitError(cycle) && cycle.code).to.equal('ALBKIT_CYCLE');
  });

  it('recognizes an error of another copy of albkit, which has only the registered symbol in common', () => {
    expect(ALBKIT_ERROR).to.equal(Symbol.for('albkit.error'));
    const foreign = Object.assign(new Error('from another copy'), {
      code: 'ALBKIT_VALIDATION',
      [Symbol.for('albkit.error')]: true,
    });
    expect(isAlbkitError(foreign)).to.equal(true);
  });

  it('refuses other errors, and a branded one without a code', () => {
    expect(isAlbkitError(new Error('plain'))).to.equal(false);
    expect(isAlbkitError(Object.assign(new Error('no code'), { [Symbol.for('albkit.error')]: true }))).to.equal(false);
    expect(isAlbkitError(undefined)).to.equal(false);
    expect(isAlbkitError({ code: 'ALBKIT_VALIDATION' })).to.equal(false);
  });

  it('recognizes the control client error for an agent that does not answer', async () => {
    const error = await new ControlClient('http://127.0.0.1:1', 'token', 5000)
      .get('Listener', 'web/http')
      .catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(ControlApiError);
    expect(isAlbkitError(error) && error.code).to.equal('UNREACHABLE');
  });

  it("recognizes the Pulumi provider's errors, made with globals only", async () => {
    const provider = albkitProvider({ kind: 'SecurityGroup', collection: 'security-groups', replaceOnChange: [] });
    const error = await provider
      .create({ resourceId: 'sg', endpoint: 'http://127.0.0.1:1', token: 'token' })
      .catch((caught: unknown) => caught);
    expect(isAlbkitError(error) && error.code).to.equal('UNREACHABLE');
    expect((error as Error).message).to.match(
      /^SecurityGroup sg: cannot reach the albkit agent at http:\/\/127\.0\.0\.1:1/,
    );
  });
});
