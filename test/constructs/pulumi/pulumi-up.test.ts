import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgent, type TestAgent } from '../../helpers/agent';
import { installPacked, REPO, type PackedProject } from '../../helpers/packed';

/** True when the `pulumi` CLI is on PATH. */
function pulumiOnPath(): boolean {
  return spawnSync('pulumi', ['version'], { stdio: 'ignore' }).status === 0;
}

describe('examples/pulumi with the real Pulumi engine (pulumi up / destroy)', function () {
  this.timeout(300_000);
  let agent: TestAgent | undefined;
  let packed: PackedProject | undefined;

  before(function () {
    if (!pulumiOnPath()) {
      console.log('      SKIPPED: pulumi up/destroy of examples/pulumi: the pulumi CLI is not on PATH');
      this.skip();
    }
  });
  after(async () => {
    await agent?.stop();
    packed?.remove();
  });

  it('deploys the quickstart, finds nothing to change on a second up, and destroys it in reverse order', async () => {
    agent = await startAgent();
    // A user's project: albkit installed from its tarball, the example's Pulumi.yaml and compiled program.
    packed = installPacked();
    const project = packed.dir;
    const yaml = readFileSync(join(REPO, 'examples/pulumi/Pulumi.yaml'), 'utf8').replace(/^main: .*\n/m, '');
    writeFileSync(join(project, 'Pulumi.yaml'), yaml);
    copyFileSync(join(REPO, 'dist/examples/pulumi/index.js'), join(project, 'index.js'));
    const env = {
      ...process.env,
      PULUMI_HOME: join(project, '.pulumi-home'),
      PULUMI_BACKEND_URL: `file://${project}`,
      PULUMI_CONFIG_PASSPHRASE: 'albkit-test',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
    };
    const pulumi = (...args: string[]) =>
      execFileSync('pulumi', [...args, '--non-interactive'], { cwd: project, env, encoding: 'utf8' });

    pulumi('stack', 'init', 'test');
    pulumi('config', 'set', 'endpoint', agent.endpoint);
    pulumi('config', 'set', '--secret', 'token', agent.token);
    pulumi('config', 'set', 'httpPort', '24180');
    pulumi('config', 'set', 'tcpPort', '24181');
    pulumi('up', '--yes', '--skip-preview');

    const urls = JSON.parse(pulumi('stack', 'output', 'urls', '--json'));
    expect(urls).to.deep.equal({ http: 'http://127.0.0.1:24180', tcp: 'tcp://127.0.0.1:24181' });
    const listener = await agent.call<{ status: { state: string } }>('GET', '/v1/listeners/web%2Fhttp');
    expect(listener.body.status.state).to.equal('ACTIVE');
    const state = pulumi('stack', 'export');
    expect(state).not.to.include(agent.token);

    pulumi('up', '--yes', '--expect-no-changes');
    pulumi('destroy', '--yes');

    const operations = (await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations')).body.items;
    const created = operations.filter((item) => item.op === 'create').map((item) => item.id);
    const deleted = operations.filter((item) => item.op === 'delete').map((item) => item.id);
    expect(new Set(deleted)).to.deep.equal(new Set(created));
    expect(deleted.indexOf('web/http')).to.be.below(deleted.indexOf('web/http/backend'));
    expect(deleted.indexOf('web/http/servers')).to.be.below(deleted.indexOf('web'));
    expect(deleted.indexOf('web')).to.be.below(deleted.indexOf('web/sg'));
    const remaining = await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest');
    expect(remaining.body.resources).to.deep.equal([]);
  });
});
