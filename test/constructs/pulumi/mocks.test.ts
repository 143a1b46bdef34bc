import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './packed';

describe('Pulumi program under setMocks (own process)', function () {
  this.timeout(120_000);

  it('passes every spec of example.mocks in a mocha process of its own', async () => {
    // setMocks is process-global, so the mock specs may not share a process with other tests.
    const mocha = join(REPO, 'node_modules/mocha/bin/mocha.js');
    const spec = join(__dirname, 'example.mocks.js');
    const child = spawn(process.execPath, [mocha, '--no-config', '--timeout', '30000', '--exit', '--reporter', 'dot', spec], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).to.equal(0);
    expect(output).to.match(/\b[1-9]\d* passing\b/);
    expect(output).not.to.match(/failing|pending/);
  });
});
