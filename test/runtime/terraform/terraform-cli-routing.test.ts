/**
 * examples/routing/terraform with the real Terraform CLI against a live agent: apply (url maps created after
 * their backend services, before the listeners naming them), a second plan with no changes (the defaults of
 * redirects, weighted forwards and fixed responses read back as planned), the canary's weights updated in
 * place, and destroy in reverse order.
 */
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { generateCertificate } from '../../fixtures/tcp-peers';
import type { TestAgent } from '../../helpers/agent';
import {
  findTerraform,
  startTerraformRig,
  type TerraformDir,
  type TerraformRig,
  skipWithoutTerraform,
} from './terraform-helpers';

const EXAMPLE = join(__dirname, '..', '..', '..', '..', 'examples', 'routing', 'terraform');
const HTTP_PORT = 23190;
const HTTPS_PORT = 23191;

interface Operation {
  op: 'create' | 'update' | 'delete';
  id: string;
}

interface UrlMapBody {
  spec: { rules: { priority: number; action: Record<string, Record<string, unknown>> }[] };
  status: { state: string };
}

/** `before` must come before `after` in the operations (as `op id` strings). */
function expectBefore(log: string[], before: string, after: string): void {
  expect(log, `${before} then ${after}`).to.include.members([before, after]);
  expect(log.indexOf(before), `${before} before ${after}`).to.be.below(log.indexOf(after));
}

describe('Terraform CLI with examples/routing/terraform', function () {
  this.timeout(120_000);
  const terraform = findTerraform();
  let agent: TestAgent;
  let tf: TerraformDir;
  let rig: TerraformRig | undefined;
  let vars: string[] = [];
  let seen = 0;

  async function newOperations(): Promise<string[]> {
    const { body } = await agent.call<{ items: Operation[] }>('GET', '/v1/operations');
    const fresh = body.items.slice(seen).map((item) => `${item.op} ${item.id}`);
    seen = body.items.length;
    return fresh;
  }

  const routes = async (): Promise<UrlMapBody> =>
    (await agent.call<UrlMapBody>('GET', `/v1/url-maps/${encodeURIComponent('shop/routes')}`)).body;

  before(async function () {
    skipWithoutTerraform(this, terraform, 'the Terraform CLI tests need Terraform >= 1.5');
    rig = await startTerraformRig(terraform!);
    ({ agent, tf } = rig);
    for (const file of ['main.tf', 'variables.tf']) await cp(join(EXAMPLE, file), join(tf.dir, file));
    const { cert, key } = await generateCertificate();
    await writeFile(join(tf.dir, 'cert.pem'), cert);
    await writeFile(join(tf.dir, 'key.pem'), key);
    const ports = rig.ports.join(',');
    vars = [
      '-no-color',
      '-var',
      `state_dir=${agent.stateDir}`,
      '-var',
      `server_ports=[${ports}]`,
      '-var',
      `http_port=${HTTP_PORT}`,
      '-var',
      `https_port=${HTTPS_PORT}`,
    ];
    await tf.run(['init', '-input=false']);
  });

  after(async () => {
    await rig?.stop();
  });

  it('applies: the url maps ACTIVE with their defaults filled in, created after their backend services and before their listeners', async () => {
    await tf.run(['apply', '-auto-approve', ...vars]);
    const map = await routes();
    expect(map.status.state).to.equal('ACTIVE');
    const actions = Object.fromEntries(map.spec.rules.map((rule) => [rule.priority, rule.action]));
    expect(actions[20]).to.deep.equal({ redirect: { statusCode: 301, path: '/shop/' } });
    expect(actions[30]).to.deep.equal({ fixedResponse: { statusCode: 200, contentType: 'text/plain', body: 'pong' } });
    expect(actions[40]?.weightedForward).to.deep.include({ stickinessSeconds: 0 });
    for (const id of ['shop/https', 'shop/http']) {
      const listener = await agent.call<{ status: { state: string } }>(
        'GET',
        `/v1/listeners/${encodeURIComponent(id)}`,
      );
      expect(listener.body.status.state, id).to.equal('ACTIVE');
    }
    const log = await newOperations();
    expectBefore(log, 'create shop/canary', 'create shop/routes');
    expectBefore(log, 'create shop/stable', 'create shop/routes');
    expectBefore(log, 'create shop/routes', 'create shop/https');
    expectBefore(log, 'create shop/to-https', 'create shop/http');
  });

  it('plans no changes right after apply (no spurious diffs from the defaults)', async () => {
    const { code, stdout } = await tf.run(['plan', '-detailed-exitcode', ...vars], [0, 2]);
    expect(code, `exit code 2 means changes were planned:\n${stdout}`).to.equal(0);
  });

  it('updates the canary weights in place: only the url map changes', async () => {
    const moved = [...vars, '-var', 'canary_weights=[50,50]'];
    const plan = await tf.run(['plan', '-detailed-exitcode', ...moved], [2]);
    expect(plan.stdout).to.include('# albkit_url_map.routes will be updated in-place');
    expect(plan.stdout).to.include('Plan: 0 to add, 1 to change, 0 to destroy.');
    const { stdout } = await tf.run(['apply', '-auto-approve', ...moved]);
    expect(stdout).to.include('Resources: 0 added, 1 changed, 0 destroyed.');
    vars = moved;
    expect(await newOperations()).to.deep.equal(['update shop/routes']);
    const rule = (await routes()).spec.rules.find((candidate) => candidate.priority === 40);
    const targets = rule?.action.weightedForward?.targets as { weight: number }[];
    expect(targets.map((target) => target.weight)).to.deep.equal([50, 50]);
    const { code } = await tf.run(['plan', '-detailed-exitcode', ...vars], [0, 2]);
    expect(code).to.equal(0);
  });

  it('destroys in reverse order: listeners, then url maps, then backend services', async () => {
    await tf.run(['destroy', '-auto-approve', ...vars]);
    const log = await newOperations();
    expect(log).to.have.length(9);
    expectBefore(log, 'delete shop/https', 'delete shop/routes');
    expectBefore(log, 'delete shop/http', 'delete shop/to-https');
    expectBefore(log, 'delete shop/routes', 'delete shop/canary');
    expectBefore(log, 'delete shop/routes', 'delete shop/stable');
    expectBefore(log, 'delete shop/stable', 'delete shop');
    expect((await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest')).body.resources).to.deep.equal([]);
  });
});
