/**
 * The Terraform face's safety with the real Terraform CLI against a live agent (listener ports are ephemeral):
 * no silent takeover of an id the agent already has, the model's rules at `terraform plan` on a fresh agent
 * even where values are "known after apply", two resources with one `resource_id` refused at plan, and a
 * `terraform destroy` that an invalid configuration never blocks.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort, type TestAgent } from '../../helpers/agent';
import {
  findTerraform,
  startTerraformRig,
  terraformDir,
  type TerraformDir,
  type TerraformRig,
  skipWithoutTerraform,
} from './terraform-helpers';

interface Chain {
  /** The resource ids' common prefix. */
  prefix: string;
  serverPort: number;
  listenerPort: number;
}

/** A whole load balancer in HCL (security group → load balancer → server group → backend → listener), plus `extra`. */
function chainConfig(
  stateDir: string,
  { prefix, serverPort, listenerPort }: Chain,
  extra = '',
  backendExtra = '',
): string {
  return `terraform {
  required_providers {
    albkit = { source = "albkit/albkit" }
  }
}

provider "albkit" {
  state_dir = ${JSON.stringify(stateDir)}
}

resource "albkit_security_group" "sg" {
  resource_id = "${prefix}-sg"
}

resource "albkit_load_balancer" "lb" {
  resource_id     = "${prefix}"
  name            = "${prefix}"
  zones           = ["local-a"]
  vpc             = { cidr = "127.0.0.0/8" }
  subnet          = { cidr = "127.0.0.0/24" }
  security_groups = [albkit_security_group.sg.id]
}

resource "albkit_server_group" "servers" {
  resource_id   = "${prefix}/servers"
  load_balancer = albkit_load_balancer.lb.id
  servers       = [{ name = "a", address = "127.0.0.1", port = ${serverPort} }]
}

resource "albkit_backend_service" "web" {
  resource_id   = "${prefix}/web"
  load_balancer = albkit_load_balancer.lb.id
  protocol      = "HTTP"
  port          = ${serverPort}
  server_groups = [albkit_server_group.servers.id]
${backendExtra}}

resource "albkit_listener" "http" {
  resource_id     = "${prefix}/http"
  load_balancer   = albkit_load_balancer.lb.id
  protocol        = "HTTP"
  port            = ${listenerPort}
  backend_service = albkit_backend_service.web.id
}
${extra}`;
}

describe('Terraform CLI: no takeover, every rule at plan, destroy never blocked', function () {
  this.timeout(180_000);
  const terraform = findTerraform();
  let rig: TerraformRig | undefined;
  let agent: TestAgent;
  let tf: TerraformDir;
  let chain: Chain;

  before(async function () {
    skipWithoutTerraform(this, terraform, 'the Terraform CLI tests need Terraform >= 1.5');
    rig = await startTerraformRig(terraform!);
    ({ agent, tf } = rig);
    chain = { prefix: 'first', serverPort: rig.ports[0]!, listenerPort: await freePort() };
  });

  after(async () => {
    await rig?.stop();
  });

  /** Writes `main.tf` into `dir` (created when missing). */
  async function writeConfig(dir: TerraformDir, text: string): Promise<void> {
    await mkdir(dir.dir, { recursive: true });
    await writeFile(join(dir.dir, 'main.tf'), text);
  }

  /** `terraform plan` that must fail; resolves with its output. */
  async function failedPlan(dir: TerraformDir, text: string): Promise<string> {
    await writeConfig(dir, text);
    const { stdout, stderr } = await dir.run(['plan', '-no-color', '-input=false'], [1]);
    return stdout + stderr;
  }

  it('fails at plan on a fresh agent for each rule whose inputs are known, pointing at the resource and attribute', async () => {
    await writeConfig(tf, chainConfig(agent.stateDir, chain));
    await tf.run(['init', '-input=false', '-no-color']);
    const otherPort = await freePort();
    const cases: { name: string; extra?: string; backend?: string; expected: RegExp; at: string }[] = [
      {
        name: 'an HTTPS listener without a certificate',
        extra: `resource "albkit_listener" "https" {
  resource_id     = "first/https"
  load_balancer   = albkit_load_balancer.lb.id
  protocol        = "HTTPS"
  port            = ${otherPort}
  backend_service = albkit_backend_service.web.id
}
`,
        expected: /Error: certificate: an HTTPS listener needs a certificate/,
        at: 'with albkit_listener.https',
      },
      {
        name: 'a port used twice on one load balancer',
        extra: `resource "albkit_listener" "again" {
  resource_id     = "first/again"
  load_balancer   = albkit_load_balancer.lb.id
  protocol        = "HTTP"
  port            = ${chain.listenerPort}
  backend_service = albkit_backend_service.web.id
}
`,
        expected: new RegExp(
          `Error: port: ${chain.listenerPort} is already used by listener first/(http|again) on load balancer first`,
        ),
        at: 'with albkit_listener.',
      },
      {
        name: 'a server outside the VPC',
        extra: `resource "albkit_server_group" "far" {
  resource_id   = "first/far"
  load_balancer = albkit_load_balancer.lb.id
  servers       = [{ address = "10.1.2.3", port = 80 }]
}
`,
        expected: /Error: servers\[0\]\.address: 10\.1\.2\.3 is outside the VPC 127\.0\.0\.0\/8 of load balancer first/,
        at: 'with albkit_server_group.far',
      },
      {
        name: 'an HTTP listener on a TCP backend service',
        extra: `resource "albkit_backend_service" "tcp" {
  resource_id   = "first/tcp"
  load_balancer = albkit_load_balancer.lb.id
  protocol      = "TCP"
  port          = 9000
  server_groups = [albkit_server_group.servers.id]
}

resource "albkit_listener" "wrong" {
  resource_id     = "first/wrong"
  load_balancer   = albkit_load_balancer.lb.id
  protocol        = "HTTP"
  port            = ${otherPort}
  backend_service = albkit_backend_service.tcp.id
}
`,
        expected: /Error: backend_service: an HTTP listener needs an HTTP backend service; first\/tcp is TCP/,
        at: 'with albkit_listener.wrong',
      },
      {
        name: 'PROXY protocol on an HTTP backend service',
        backend: '  proxy_protocol = true\n',
        expected: /Error: proxy_protocol: PROXY protocol is only for TCP\/TLS listeners/,
        at: 'with albkit_backend_service.web',
      },
      {
        name: 'a backend service with both kinds of group',
        extra: `resource "albkit_availability_group" "pool" {
  resource_id = "first/pool"
  instances   = [{ address = "127.0.0.1", zone = "local-a" }]
}
`,
        backend: '  availability_groups = [albkit_availability_group.pool.id]\n',
        expected: /Error: availability_groups: a backend service uses server groups or availability groups, not both/,
        at: 'with albkit_backend_service.web',
      },
    ];
    for (const { name, extra, backend, expected, at } of cases) {
      const output = await failedPlan(tf, chainConfig(agent.stateDir, chain, extra, backend));
      expect(output, name).to.match(expected);
      expect(output, name).to.include(at);
    }
    const { body } = await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest');
    expect(body.resources, 'a plan changes nothing').to.deep.equal([]);
  });

  it('refuses at plan two resources of one configuration with the same resource_id, even of different kinds', async () => {
    const output = await failedPlan(
      tf,
      chainConfig(
        agent.stateDir,
        chain,
        `resource "albkit_eip" "clash" {
  resource_id = "first/servers"
  address     = "127.0.0.20"
}
`,
      ),
    );
    expect(output).to.match(
      /Error: resource_id: "first\/servers" is also the resource_id of an albkit_(eip|server_group) of this configuration/,
    );
  });

  it('refuses at plan a literal reference to a resource that neither the agent nor the plan has', async () => {
    const output = await failedPlan(
      tf,
      chainConfig(
        agent.stateDir,
        chain,
        `resource "albkit_server_group" "stray" {
  resource_id   = "first/stray"
  load_balancer = "nowhere"
  servers       = [{ address = "127.0.0.1", port = 80 }]
}
`,
      ),
    );
    expect(output).to.match(/Error: load_balancer: refers to LoadBalancer "nowhere", which does not exist/);
    expect(output).to.include('with albkit_server_group.stray');
  });

  it('fails at apply when a second configuration creates an id the agent has, with the import hint, leaving the first untouched', async () => {
    await writeConfig(tf, chainConfig(agent.stateDir, chain));
    await tf.run(['apply', '-auto-approve', '-no-color', '-input=false']);
    const path = `/v1/server-groups/${encodeURIComponent('first/servers')}`;
    const before = await agent.call<{ spec: unknown; generation: number; owner: string }>('GET', path);
    const second = await terraformDir(terraform!);
    try {
      const provider = chainConfig(agent.stateDir, chain).split('resource "albkit_security_group"')[0]!;
      await writeConfig(
        second,
        `${provider}
resource "albkit_server_group" "taken" {
  resource_id   = "first/servers"
  load_balancer = "first"
  servers       = [{ name = "b", address = "127.0.0.2", port = 1 }]
}
`,
      );
      await second.run(['init', '-input=false', '-no-color']);
      const { stdout, stderr } = await second.run(['apply', '-auto-approve', '-no-color', '-input=false'], [1]);
      const output = stdout + stderr;
      expect(output).to.match(
        /Error: albkit_server_group "first\/servers" already exists on the albkit agent; import it with\s+`terraform import albkit_server_group\.<name> first\/servers`/,
      );
      const after = await agent.call<{ spec: unknown; generation: number; owner: string }>('GET', path);
      expect(after.body, 'the first configuration keeps its server group').to.deep.include({
        generation: before.body.generation,
        owner: before.body.owner,
      });
      expect(after.body.spec).to.deep.equal(before.body.spec);
      expect(await (await fetch(`http://127.0.0.1:${chain.listenerPort}/`)).text()).to.equal('hello from a\n');
      await second.run(['destroy', '-auto-approve', '-no-color', '-input=false']);
    } finally {
      await second.remove();
    }
    const { code } = await tf.run(['plan', '-detailed-exitcode', '-no-color', '-input=false'], [0, 2]);
    expect(code, 'the first configuration plans no changes').to.equal(0);
  });

  it('destroys a configuration that became invalid (rules broken at plan, a resource never created)', async () => {
    const broken = chainConfig(
      agent.stateDir,
      chain,
      `resource "albkit_listener" "https" {
  resource_id     = "first/https"
  load_balancer   = albkit_load_balancer.lb.id
  protocol        = "HTTPS"
  port            = ${await freePort()}
  backend_service = albkit_backend_service.web.id
}
`,
    ).replace('subnet          = { cidr = "127.0.0.0/24" }', 'subnet          = { cidr = "10.9.0.0/24" }');
    await failedPlan(tf, broken);
    const { stdout } = await tf.run(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(stdout).to.include('Destroy complete! Resources: 5 destroyed.');
    const { body } = await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest');
    expect(body.resources).to.deep.equal([]);
  });
});
