import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../../helpers/packed';

/** Runs node with `args` in a process of its own; resolves with its exit code and output. */
async function runNode(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, output };
}

/** Runs one spec file in a mocha process of its own. */
function runMocha(file: string): Promise<{ code: number | null; output: string }> {
  const mocha = join(REPO, 'node_modules/mocha/bin/mocha.js');
  return runNode([mocha, '--no-config', '--timeout', '30000', '--exit', '--reporter', 'spec', join(__dirname, file)]);
}

// setMocks is process-global, so each mock spec file runs in a process of its own.
describe('Pulumi programs under setMocks (each file in its own process)', function () {
  this.timeout(120_000);

  for (const [file, what] of [
    ['example.mocks.js', 'types, inputs, secrets and dependency edges of examples/pulumi and the resource classes'],
    ['example.deploy.js', 'examples/pulumi deployed to and destroyed from a live agent by a stand-in engine'],
    ['alb-rules.deploy.js', 'an Alb with rules: its url map between its backend services and its listener'],
  ]) {
    it(`passes ${file}: ${what}`, async () => {
      const { code, output } = await runMocha(file!);
      expect(code, output).to.equal(0);
      expect(output).to.match(/\b[1-9]\d* passing\b/);
      expect(output).not.to.match(/failing|pending/);
    });
  }

  it('fails a program whose spec value, known only later, breaks the model, naming the resource and field', async () => {
    const { code, output } = await runNode([join(__dirname, 'late-invalid.program.js')]);
    expect(code, output).to.not.equal(0);
    expect(output).to.match(/late\/http: port: Too small/);
  });
});
