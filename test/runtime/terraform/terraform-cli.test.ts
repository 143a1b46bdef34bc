/**
 * examples/terraform with the real Terraform CLI against a live agent: init from a filesystem mirror, apply
 * (every resource ACTIVE, the listeners serve), an idempotent second plan, an EIP address updated in place,
 * replaces (one listener; the load balancer with everything on it, children first), and destroy in reverse
 * order as the agent's log shows.
 */
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { TestAgent } from '../../helpers/agent';
import { connectOutcome } from '../deploy/sockets';
import {
  findTerraform,
  startTerraformRig,
  terraformDir,
  type TerraformDir,
  type TerraformRig,
  skipWithoutTerraform,
} from './terraform-helpers';

const EXAMPLE = join(__dirname, '..', '..', '..', '..', 'examples', 'terraform');
const HTTP_PORT = 23180;
const TCP_PORT = 23181;
const NEW_HTTP_PORT = 23182;

interface Operation {
  seq: number;
  op: 'create' | 'update' | 'delete';
  id: string;
}

/** `before` must come before `after` in the operations (as `op id` strings). */
function expectBefore(log: string[], before: string, after: string): void {
  expect(log, `${before} then ${after}`).to.include.members([before, after]);
  expect(log.indexOf(before), `${before} before ${after}`).to.be.below(log.indexOf(after));
}

describe('Terraform CLI with examples/terraform', function () {
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

  before(async function () {
    skipWithoutTerraform(this, terraform, 'the Terraform CLI tests need Terraform >= 1.5');
    rig = await startTerraformRig(terraform!);
    ({ agent, tf } = rig);
    const { ports } = rig;
    for (const file of ['main.tf', 'variables.tf', 'outputs.tf']) await cp(join(EXAMPLE, file), join(tf.dir, file));
    vars = [
      '-no-color',
      '-var',
      `state_dir=${agent.stateDir}`,
      '-var',
      `server_ports=[${ports.join(',')}]`,
      '-var',
      `tcp_port=${TCP_PORT}`,
    ];
  });

  after(async () => {
    await rig?.stop();
  });

  it('installs the provider from a filesystem mirror with terraform init', async () => {
    const { stdout } = await tf.run(['init', '-input=false']);
    expect(stdout).to.match(/Installing albkit\/albkit v0\.1\.0/);
    expect(stdout).to.include('Terraform has been successfully initialized!');
  });

  it('plans the TCP backend service without HTTP-only attributes (null: no path, status codes or session persistence)', async () => {
    await tf.run(['plan', '-out=tcp.tfplan', ...vars, '-var', `http_port=${HTTP_PORT}`]);
    const { stdout } = await tf.run(['show', '-json', 'tcp.tfplan']);
    const changes = (
      JSON.parse(stdout) as { resource_changes: { address: string; change: { after: Record<string, unknown> } }[] }
    ).resource_changes;
    const after = (address: string) => changes.find((change) => change.address === address)!.change.after;
    const tcp = after('albkit_backend_service.tcp');
    expect(tcp.session_persistence).to.equal(null);
    expect(tcp.health_check).to.deep.include({ protocol: 'TCP', path: null, status_codes: null });
    const http = after('albkit_backend_service.web');
    expect(http.health_check).to.deep.include({ protocol: 'HTTP', path: '/' });
    const { stdout: text } = await tf.run(['show', '-no-color', 'tcp.tfplan']);
    const block = text.slice(
      text.indexOf('# albkit_backend_service.tcp will be created'),
      text.indexOf('# albkit_backend_service.web will be created'),
    );
    expect(block).to.include('protocol');
    expect(block).to.not.match(/path|status_codes|session_persistence|cookie_name/);
  });

  it('applies: every resource ACTIVE on the agent, and the listener serves on the subnet address and the EIP', async () => {
    await tf.run(['apply', '-auto-approve', ...vars, '-var', `http_port=${HTTP_PORT}`]);
    const { body } = await agent.call<{ resources: { id: string; kind: string }[] }>('GET', '/v1/manifest');
    expect(body.resources.map((r) => r.id).sort()).to.deep.equal([
      'web',
      'web-eip',
      'web-sg',
      'web/http',
      'web/servers',
      'web/tcp',
      'web/tcp-backend',
      'web/tcp-servers',
      'web/web-backend',
    ]);
    for (const [collection, id] of [
      ['listeners', 'web/http'],
      ['listeners', 'web/tcp'],
      ['load-balancers', 'web'],
    ]) {
      const resource = await agent.call<{ status: { state: string } }>(
        'GET',
        `/v1/${collection}/${encodeURIComponent(id!)}`,
      );
      expect(resource.body.status.state, id).to.equal('ACTIVE');
    }
    for (const address of ['127.0.0.1', '127.0.0.10']) {
      const response = await fetch(`http://${address}:${HTTP_PORT}/`);
      expect(await response.text()).to.match(/^hello from [ab]\n$/);
    }
    const log = await newOperations();
    expectBefore(log, 'create web', 'create web/servers');
    expectBefore(log, 'create web/servers', 'create web/web-backend');
    expectBefore(log, 'create web/web-backend', 'create web/http');
  });

  it('plans no changes right after apply', async () => {
    const { code } = await tf.run(['plan', '-detailed-exitcode', ...vars, '-var', `http_port=${HTTP_PORT}`], [0, 2]);
    expect(code, 'exit code 2 means changes were planned').to.equal(0);
  });

  it('imports a resource the agent has, and then plans no changes', async () => {
    await tf.run(['state', 'rm', 'albkit_listener.tcp']);
    const { stdout } = await tf.run([
      'import',
      ...vars,
      '-var',
      `http_port=${HTTP_PORT}`,
      'albkit_listener.tcp',
      'web/tcp',
    ]);
    expect(stdout).to.include('Import successful!');
    const { code } = await tf.run(['plan', '-detailed-exitcode', ...vars, '-var', `http_port=${HTTP_PORT}`], [0, 2]);
    expect(code).to.equal(0);
    expect(await newOperations()).to.deep.equal([]);
  });

  it('repairs drift: a change made on the agent is reverted, a resource deleted there is created again', async () => {
    const path = `/v1/server-groups/${encodeURIComponent('web/tcp-servers')}`;
    const group = await agent.call<{ spec: { loadBalancer: string; servers: { weight: number }[] } }>('GET', path);
    const drifted = {
      ...group.body.spec,
      servers: group.body.spec.servers.map((server) => ({ ...server, weight: 0 })),
    };
    expect((await agent.call('PUT', path, { spec: drifted })).status).to.equal(200);
    expect((await agent.call('DELETE', `/v1/listeners/${encodeURIComponent('web/tcp')}`)).status).to.equal(200);
    const plan = await tf.run(['plan', '-detailed-exitcode', ...vars, '-var', `http_port=${HTTP_PORT}`], [2]);
    expect(plan.stdout).to.include('Plan: 1 to add, 1 to change, 0 to destroy.');
    await newOperations();
    await tf.run(['apply', '-auto-approve', ...vars, '-var', `http_port=${HTTP_PORT}`]);
    expect((await newOperations()).sort()).to.deep.equal(['create web/tcp', 'update web/tcp-servers']);
    const repaired = await agent.call<{ spec: { servers: { weight: number }[] } }>('GET', path);
    expect(repaired.body.spec.servers.map((server) => server.weight)).to.deep.equal([10]);
  });

  it('updates an EIP whose address changes in place: the listeners move to the new address', async () => {
    const moved = [...vars, '-var', `http_port=${HTTP_PORT}`, '-var', 'eip_address=127.0.0.11'];
    const plan = await tf.run(['plan', '-detailed-exitcode', ...moved], [2]);
    expect(plan.stdout).to.include('# albkit_eip.web will be updated in-place');
    expect(plan.stdout).to.include('Plan: 0 to add, 1 to change, 0 to destroy.');
    const { stdout } = await tf.run(['apply', '-auto-approve', ...moved]);
    expect(stdout).to.include('Resources: 0 added, 1 changed, 0 destroyed.');
    vars.push('-var', 'eip_address=127.0.0.11');
    expect(await newOperations()).to.deep.equal(['update web-eip']);
    expect(await (await fetch(`http://127.0.0.11:${HTTP_PORT}/`)).text()).to.match(/^hello from [ab]\n$/);
    expect(await connectOutcome('127.0.0.10', HTTP_PORT)).to.equal('ECONNREFUSED');
    expect(await (await fetch(`http://127.0.0.1:${HTTP_PORT}/`)).text()).to.match(/^hello from [ab]\n$/);
  });

  it('runs through dev_overrides too, with no terraform init', async () => {
    const dev = await terraformDir(terraform!, { install: 'dev_overrides' });
    try {
      await mkdir(dev.dir, { recursive: true });
      for (const file of ['main.tf', 'variables.tf', 'outputs.tf']) await cp(join(EXAMPLE, file), join(dev.dir, file));
      const { stdout, stderr } = await dev.run(['validate']);
      expect(stdout).to.include('The configuration is valid');
      expect(stderr + stdout).to.include('Provider development overrides are in effect');
    } finally {
      await dev.remove();
    }
  });

  it('replaces only the listener when its port changes', async () => {
    const { stdout } = await tf.run(['apply', '-auto-approve', ...vars, '-var', `http_port=${NEW_HTTP_PORT}`]);
    expect(stdout).to.include('Resources: 1 added, 0 changed, 1 destroyed.');
    expect(await newOperations()).to.deep.equal(['delete web/http', 'create web/http']);
    expect(await (await fetch(`http://127.0.0.1:${NEW_HTTP_PORT}/`)).text()).to.match(/^hello from [ab]\n$/);
  });

  it('replaces the load balancer and everything on it when its zone changes: children deleted first, created after', async () => {
    const { stdout } = await tf.run([
      'apply',
      '-auto-approve',
      ...vars,
      '-var',
      `http_port=${NEW_HTTP_PORT}`,
      '-var',
      'zone=local-b',
    ]);
    expect(stdout).to.include('Resources: 7 added, 0 changed, 7 destroyed.');
    const log = await newOperations();
    for (const child of [
      'web/http',
      'web/tcp',
      'web/web-backend',
      'web/tcp-backend',
      'web/servers',
      'web/tcp-servers',
    ]) {
      expectBefore(log, `delete ${child}`, 'delete web');
      expectBefore(log, 'create web', `create ${child}`);
    }
    const group = await agent.call<{ spec: { servers: { zone: string }[] } }>(
      'GET',
      `/v1/server-groups/${encodeURIComponent('web/servers')}`,
    );
    expect(group.body.spec.servers.map((s) => s.zone)).to.deep.equal(['local-b', 'local-b']);
  });

  it('destroys in reverse order, as the agent log shows', async () => {
    await tf.run(['destroy', '-auto-approve', ...vars, '-var', `http_port=${NEW_HTTP_PORT}`, '-var', 'zone=local-b']);
    const log = await newOperations();
    expect(log).to.have.length(9);
    expect(log.every((entry) => entry.startsWith('delete '))).to.equal(true);
    expectBefore(log, 'delete web/http', 'delete web/web-backend');
    expectBefore(log, 'delete web/tcp', 'delete web/tcp-backend');
    expectBefore(log, 'delete web/web-backend', 'delete web/servers');
    expectBefore(log, 'delete web/tcp-backend', 'delete web/tcp-servers');
    expectBefore(log, 'delete web/servers', 'delete web');
    expectBefore(log, 'delete web/tcp-servers', 'delete web');
    expectBefore(log, 'delete web', 'delete web-sg');
    expectBefore(log, 'delete web', 'delete web-eip');
    expect((await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest')).body.resources).to.deep.equal([]);
  });
});
