/**
 * Listener addresses a local agent cannot bind, found before anything is created: `validate`, `plan` and
 * `deploy --dry-run` warn, `deploy` and `up` refuse (unless `--allow-unbound`), and an agent on another host
 * is never judged by this host's addresses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { validateManifest, type RawResource } from '../../lib';
import { baseResources } from '../fixtures/resources';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { albkitSync as albkit } from '../helpers/cli';
import { writeManifest } from '../runtime/deploy/quickstart';

const HINT =
  "for an agent on this machine use the loopback variant: vpc { cidr: '127.0.0.0/8' }, subnet { cidr: '127.0.0.0/24' } (listeners on 127.0.0.1), an EIP on 127.0.0.x";
/** The warning for the fixture's listener, which binds its load balancer's subnet address 10.0.1.1. */
const SUBNET_WARNING = `warning: listener web/http: 10.0.1.1 (the subnet address of load balancer web) is not an address of this host, so a local agent cannot bind it; ${HINT}\n`;

describe('albkit: listener addresses a local agent cannot bind', function () {
  this.timeout(120_000);
  let dir: string;
  let cloud: string;
  let withEip: string;
  let agent: TestAgent;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-unbound-'));
    // The cloud-like addresses of the README's first version: subnet 10.0.1.0/24, so listeners on 10.0.1.1.
    const port = await freePort();
    const resources = baseResources().map<RawResource>((r) =>
      r.id === 'web/http' ? { ...r, spec: { ...(r.spec as object), port } } : r,
    );
    cloud = await writeManifest(dir, 'cloud.json', validateManifest({ apiVersion: 'albkit/v1', resources }));
    const loopback = resources.map<RawResource>((r) =>
      r.kind === 'LoadBalancer'
        ? {
            ...r,
            spec: { ...(r.spec as object), vpc: { cidr: '127.0.0.0/8' }, subnet: { cidr: '127.0.0.0/24' }, eip: 'ip' },
          }
        : r,
    );
    const servers = loopback.map<RawResource>((r) =>
      r.kind === 'ServerGroup'
        ? { ...r, spec: { loadBalancer: 'web', servers: [{ name: 'a', address: '127.0.0.1', port: 80 }] } }
        : r,
    );
    withEip = await writeManifest(
      dir,
      'eip.json',
      validateManifest({
        apiVersion: 'albkit/v1',
        resources: [{ id: 'ip', kind: 'Eip', spec: { address: '203.0.113.7' } }, ...servers],
      }),
    );
    agent = await startAgent();
  });
  after(async () => {
    await agent?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('validate says nothing about addresses without an agent in sight, nor for an agent on another host', () => {
    for (const args of [[], ['--endpoint', 'http://10.9.9.9:7070'], ['--endpoint', 'https://alb.example.com']]) {
      const { status, stderr } = albkit(['validate', cloud, ...args]);
      expect(status).to.equal(0);
      expect(stderr, args.join(' ')).to.equal('');
    }
  });

  it('validate refuses an --endpoint that is not a base URL, as a usage error', () => {
    const { status, stderr } = albkit(['validate', cloud, '--endpoint', '127.0.0.1:7070']);
    expect(status).to.equal(2);
    expect(stderr).to.equal(
      'albkit validate: --endpoint: "127.0.0.1:7070" is not a base URL such as http://127.0.0.1:7070\n',
    );
  });

  it('validate warns, naming the listener and the address, for an agent on this host (--state-dir or a loopback --endpoint)', () => {
    for (const args of [
      ['--state-dir', agent.stateDir],
      ['--endpoint', agent.endpoint],
    ]) {
      const { status, stdout, stderr } = albkit(['validate', cloud, ...args]);
      expect(status).to.equal(0);
      expect(stdout).to.match(/^valid: 5 resources/);
      expect(stderr).to.equal(SUBNET_WARNING);
    }
    const json = JSON.parse(albkit(['validate', cloud, '--json', '--state-dir', agent.stateDir]).stdout) as {
      warnings: { path: string; address: string }[];
    };
    expect(json.warnings.map(({ path, address }) => `${path} ${address}`)).to.deep.equal(['web/http 10.0.1.1']);
  });

  it("names an EIP's address the same way", () => {
    const { stderr } = albkit(['validate', withEip, '--state-dir', agent.stateDir]);
    expect(stderr).to.equal(
      `warning: listener web/http: 203.0.113.7 (EIP ip of load balancer web) is not an address of this host, so a local agent cannot bind it; ${HINT}\n`,
    );
  });

  it('plan and deploy --dry-run warn and still show the plan', () => {
    for (const verb of [['plan'], ['deploy', '--dry-run']]) {
      const { status, stdout, stderr } = albkit([...verb, cloud, '--stack', 'cloud', '--state-dir', agent.stateDir]);
      expect(status, stderr).to.equal(0);
      expect(stderr).to.equal(SUBNET_WARNING);
      expect(stdout).to.include('5 to create, 0 to update, 0 to replace, 0 to delete');
    }
  });

  it('deploy refuses before creating anything, and up before starting an agent', async () => {
    const { status, stdout, stderr } = albkit(['deploy', cloud, '--stack', 'cloud', '--state-dir', agent.stateDir]);
    expect(status).to.equal(1);
    expect(stdout).to.equal('');
    expect(stderr).to.equal(
      `albkit deploy: nothing was created: the agent at ${agent.endpoint} runs on this host and cannot bind:\n` +
        `  ${SUBNET_WARNING.slice('warning: '.length)}give --allow-unbound to deploy anyway\n`,
    );
    const manifest = await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest');
    expect(manifest.body.resources).to.deep.equal([]);
    const up = albkit(['up', cloud, '--state-dir', join(dir, 'up'), '--control', '127.0.0.1:0']);
    expect(up.status).to.equal(1);
    expect(up.stdout).to.equal('');
    expect(up.stderr).to.match(
      /^albkit up: nothing was created: the agent runs on this host and cannot bind:\n {2}listener web\/http: 10\.0\.1\.1 /,
    );
  });

  it('deploy --allow-unbound deploys anyway, and the listener FAILS with the reason', () => {
    // The EIP variant: its servers are on loopback, so nothing deployed talks beyond this host.
    const forced = albkit([
      'deploy',
      withEip,
      '--stack',
      'cloud',
      '--state-dir',
      agent.stateDir,
      '--allow-unbound',
      '--timeout',
      '30',
    ]);
    expect(forced.stderr).to.include('warning: listener web/http: 203.0.113.7 (EIP ip of load balancer web)');
    expect(forced.status).to.equal(1);
    expect(forced.stderr).to.match(
      /Listener web\/http: FAILED: cannot bind 203\.0\.113\.7:\d+: 203\.0\.113\.7 is not an address of this host/,
    );
    const destroyed = albkit(['destroy', '--stack', 'cloud', '--state-dir', agent.stateDir]);
    expect(destroyed.status, destroyed.stderr).to.equal(0);
  });
});
