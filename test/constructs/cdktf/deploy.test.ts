/**
 * examples/cdktf end to end with the real CDKTF CLI and Terraform against a live agent: `cdktf deploy` creates
 * every resource and the listener serves; `cdktf destroy` deletes in reverse order, as the agent's log shows.
 */
import { execFile } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { TestAgent } from '../../helpers/agent';
import {
  findTerraform,
  startTerraformRig,
  type TerraformDir,
  type TerraformRig,
  skipWithoutTerraform,
} from '../../runtime/terraform/terraform-helpers';

const ROOT = join(__dirname, '..', '..', '..', '..');
const CDKTF = join(ROOT, 'node_modules', '.bin', 'cdktf');
const APP = join(ROOT, 'dist', 'examples', 'cdktf', 'main.js');
const HTTP_PORT = 23280;
const TCP_PORT = 23281;

describe('cdktf deploy and destroy of examples/cdktf', function () {
  this.timeout(180_000);
  const terraform = findTerraform();
  let agent: TestAgent;
  let tf: TerraformDir;
  let rig: TerraformRig | undefined;
  let env: NodeJS.ProcessEnv;

  /** Runs the cdktf CLI in the working directory, with the example compiled as the app. */
  function cdktf(verb: 'deploy' | 'destroy'): Promise<string> {
    const args = [
      verb,
      '--app',
      `node ${APP}`,
      '--output',
      join(tf.dir, 'cdktf.out'),
      '--skip-provider-lock',
      '--auto-approve',
    ];
    return new Promise((resolve, reject) =>
      execFile(CDKTF, args, { cwd: tf.dir, env, timeout: 150_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
        error ? reject(new Error(`cdktf ${verb} failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
      ),
    );
  }

  before(async function () {
    skipWithoutTerraform(this, terraform, 'cdktf deploy/destroy needs Terraform >= 1.5');
    rig = await startTerraformRig(terraform!);
    ({ agent, tf } = rig);
    const { ports } = rig;
    await copyFile(join(ROOT, 'examples', 'cdktf', 'cdktf.json'), join(tf.dir, 'cdktf.json'));
    env = {
      ...tf.env,
      CI: '1',
      ALBKIT_STATE_DIR: agent.stateDir,
      SERVER_A_PORT: String(ports[0]),
      SERVER_B_PORT: String(ports[1]),
      HTTP_PORT: String(HTTP_PORT),
      TCP_PORT: String(TCP_PORT),
    };
  });

  after(async () => {
    await rig?.stop();
  });

  it('deploys: every resource ACTIVE and curl reaches a backend through the listener', async () => {
    const output = await cdktf('deploy');
    expect(output).to.include('Apply complete! Resources: 9 added, 0 changed, 0 destroyed.');
    const { body } = await agent.call<{ resources: { id: string }[] }>('GET', '/v1/manifest');
    expect(body.resources.map((r) => r.id)).to.include.members([
      'alb/web',
      'alb/web/http',
      'alb/web/tcp',
      'alb/web-eip',
    ]);
    const listener = await agent.call<{ status: { state: string } }>(
      'GET',
      `/v1/listeners/${encodeURIComponent('alb/web/http')}`,
    );
    expect(listener.body.status.state).to.equal('ACTIVE');
    expect(await (await fetch(`http://127.0.0.1:${HTTP_PORT}/`)).text()).to.match(/^hello from [ab]\n$/);
  });

  it('destroys everything, children before parents', async () => {
    const before = (await agent.call<{ items: unknown[] }>('GET', '/v1/operations')).body.items.length;
    const output = await cdktf('destroy');
    expect(output).to.include('Destroy complete! Resources: 9 destroyed.');
    const { body } = await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations');
    const deleted = body.items.slice(before).map((item) => `${item.op} ${item.id}`);
    const at = (id: string): number => deleted.indexOf(`delete ${id}`);
    expect(deleted).to.have.length(9);
    expect(at('alb/web/http')).to.be.below(at('alb/web/web-backend'));
    expect(at('alb/web/web-backend')).to.be.below(at('alb/web/servers'));
    expect(at('alb/web/servers')).to.be.below(at('alb/web'));
    expect(at('alb/web')).to.be.below(at('alb/web-eip'));
    expect(at('alb/web')).to.be.below(at('alb/web/default-security-group'));
    expect((await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest')).body.resources).to.deep.equal([]);
  });
});
