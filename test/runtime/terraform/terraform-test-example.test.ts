/**
 * examples/terraform/tests/*.tftest.hcl with `terraform test` against a live agent: the plan shows the values
 * that follow from the configuration, then a real apply and terraform test's own destroy.
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort } from '../../helpers/agent';
import { findTerraform, startTerraformRig, type TerraformRig, skipWithoutTerraform } from './terraform-helpers';

const EXAMPLE = join(__dirname, '..', '..', '..', '..', 'examples', 'terraform');

describe('terraform test with examples/terraform/tests', function () {
  this.timeout(180_000);
  const terraform = findTerraform();
  let rig: TerraformRig | undefined;

  before(async function () {
    skipWithoutTerraform(this, terraform, 'the Terraform CLI tests need Terraform >= 1.6');
    rig = await startTerraformRig(terraform!);
    await cp(EXAMPLE, rig.tf.dir, {
      recursive: true,
      filter: (source) => !/\.terraform|terraform\.tfstate/.test(source),
    });
  });

  after(async () => {
    await rig?.stop();
  });

  it('passes every run, and leaves nothing on the agent', async () => {
    const { tf, agent, ports } = rig!;
    await tf.run(['init', '-input=false', '-no-color']);
    const vars = ['-var', `state_dir=${agent.stateDir}`, '-var', `server_ports=[${ports.join(',')}]`];
    vars.push('-var', `http_port=${await freePort()}`, '-var', `tcp_port=${await freePort()}`);
    const { stdout } = await tf.run(['test', '-no-color', ...vars]);
    expect(stdout).to.match(/run "plan_shows_the_values_that_follow_from_the_configuration"\.\.\. pass/);
    expect(stdout).to.match(/run "apply_creates_every_resource"\.\.\. pass/);
    expect(stdout).to.include('Success! 2 passed, 0 failed.');
    const { body } = await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest');
    expect(body.resources).to.deep.equal([]);
  });
});
