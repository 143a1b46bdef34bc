/**
 * `albkit plan` and `albkit deploy --dry-run` as a user reads them: each changed field's old and new value by
 * path, secrets only as fingerprints (in text and JSON), a plan against a live agent's stack, and colour on a
 * real terminal only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { validateManifest, type Manifest, type RawResource } from '../../lib';
import { generateCertificate } from '../fixtures/tcp-peers';
import { freePort, startAgent, type TestAgent } from '../helpers/agent';
import { albkitOnTerminal, albkitSync as albkit } from '../helpers/cli';
import { quickstartManifest, writeManifest } from '../runtime/deploy/quickstart';

/** `manifest` with `change` applied to the spec of each resource it returns a spec for (hash recomputed). */
function changed(manifest: Manifest, change: (resource: RawResource) => Record<string, unknown> | undefined): Manifest {
  const resources = manifest.resources.map((resource) => ({ ...resource, spec: change(resource) ?? resource.spec }));
  return validateManifest({ apiVersion: manifest.apiVersion, resources });
}

/** The quickstart with an idle timeout, a health check interval, a server's weight and the TCP listener's port changed. */
function edited(manifest: Manifest, tcpPort: number): Manifest {
  return changed(manifest, ({ id, spec }) => {
    const s = spec as Record<string, unknown>;
    if (id === 'web/http') return { ...s, idleTimeoutSeconds: 120 };
    if (id === 'web/web-backend') return { ...s, healthCheck: { ...(s.healthCheck as object), intervalMs: 4000 } };
    if (id === 'web/servers')
      return {
        ...s,
        servers: (s.servers as { weight: number }[]).map((server, i) => (i === 1 ? { ...server, weight: 2 } : server)),
      };
    if (id === 'web/tcp') return { ...s, port: tcpPort };
    return undefined;
  });
}

const specOf = (manifest: Manifest, id: string): Record<string, unknown> =>
  manifest.resources.find((r) => r.id === id)?.spec as unknown as Record<string, unknown>;

describe('albkit plan: old → new values', function () {
  this.timeout(120_000);
  let dir: string;
  let base: Manifest;
  let next: Manifest;
  let beforeFile: string;
  let afterFile: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'albkit-cli-plan-'));
    base = await quickstartManifest();
    next = edited(base, await freePort());
    beforeFile = await writeManifest(dir, 'before.json', base);
    afterFile = await writeManifest(dir, 'after.json', next);
    await writeManifest(dir, 'empty.json', validateManifest({ apiVersion: 'albkit/v1', resources: [] }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints each changed field by path with its old and new value, and marks the field that forces a replace', () => {
    const { status, stdout, stderr } = albkit(['plan', afterFile, '--from', beforeFile]);
    expect(status, stderr).to.equal(0);
    const [tcp, moved] = [Number(specOf(base, 'web/tcp').port), Number(specOf(next, 'web/tcp').port)];
    expect(stdout).to.include(`  ~ update Listener web/http\n      idleTimeoutSeconds: 60 → 120\n`);
    expect(stdout).to.include(`  ~ update BackendService web/web-backend\n      healthCheck.intervalMs: 2000 → 4000\n`);
    expect(stdout).to.include(`  ~ update ServerGroup web/servers\n      servers[1].weight: 1 → 2\n`);
    expect(stdout).to.include(`  -/+ replace (delete) Listener web/tcp — forced by port\n`);
    expect(stdout).to.include(
      `  -/+ replace (create) Listener web/tcp — forced by port\n      port: ${tcp} → ${moved}  (forces replacement)\n`,
    );
    expect(stdout).to.include('0 to create, 3 to update, 1 to replace, 0 to delete');
  });

  it('carries the same before and after in --json', () => {
    const { status, stdout } = albkit(['plan', afterFile, '--from', beforeFile, '--json']);
    expect(status).to.equal(0);
    const steps = (
      JSON.parse(stdout) as { waves: { id: string; operation: string; changes: unknown[] }[][] }
    ).waves.flat();
    expect(steps.find((s) => s.id === 'web/servers')?.changes).to.deep.equal([
      { path: 'servers[1].weight', before: 1, after: 2 },
    ]);
    expect(steps.find((s) => s.id === 'web/tcp' && s.operation === 'put')?.changes).to.deep.equal([
      { path: 'port', before: specOf(base, 'web/tcp').port, after: specOf(next, 'web/tcp').port, forcesReplace: true },
    ]);
  });

  it('shows what a create sets and what a delete removes', () => {
    const emptyFile = join(dir, 'empty.json');
    const create = albkit(['plan', beforeFile, '--from', emptyFile]).stdout;
    expect(create).to.include(`  + create Listener web/http\n      backendService: "web/web-backend"\n`);
    const remove = albkit(['plan', emptyFile, '--from', beforeFile]).stdout;
    expect(remove).to.include(`  - delete Listener web/http\n      backendService: "web/web-backend"\n`);
  });

  it('never prints a private key, in text or JSON: only its fingerprint', async () => {
    const [one, two] = [await generateCertificate(), await generateCertificate()];
    const withKey = (key: string): Manifest =>
      changed(base, ({ id, spec }) =>
        id === 'web/http'
          ? { ...(spec as object), protocol: 'HTTPS', certificate: { certPem: one.cert, keyPem: key } }
          : undefined,
      );
    const oldFile = await writeManifest(dir, 'key-one.json', withKey(one.key));
    const newFile = await writeManifest(dir, 'key-two.json', withKey(two.key));
    const text = albkit(['plan', newFile, '--from', oldFile]);
    expect(text.status, text.stderr).to.equal(0);
    expect(text.stdout).to.match(
      / {6}certificate\.keyPem: \(sensitive sha256:[0-9a-f]{8}\) → \(sensitive sha256:[0-9a-f]{8}\)\n/,
    );
    const json = albkit(['plan', newFile, '--from', oldFile, '--json']);
    const created = albkit(['plan', newFile, '--from', beforeFile, '--json']);
    for (const out of [text.stdout, json.stdout, created.stdout]) expect(out).not.to.include('PRIVATE KEY');
    expect(json.stdout).to.match(/"before": "redacted:sha256:[0-9a-f]{64}"/);
  });

  it('needs exactly one of --from and --endpoint (or --state-dir): a usage error otherwise', () => {
    const neither = albkit(['plan', afterFile]);
    expect(neither.status).to.equal(2);
    expect(neither.stderr).to.equal(
      'albkit plan: give exactly one of --from <manifest> (plan from a manifest) and --endpoint <url> or --state-dir <dir> (plan against a live agent)\n',
    );
    const both = albkit(['plan', afterFile, '--from', beforeFile, '--endpoint', 'http://127.0.0.1:1']);
    expect(both.status).to.equal(2);
    expect(both.stderr).to.equal(neither.stderr);
    // ALBKIT_ENDPOINT stands for --endpoint only when --from is not given.
    expect(
      albkit(['plan', afterFile, '--from', beforeFile], { ALBKIT_ENDPOINT: 'http://127.0.0.1:1' }).status,
    ).to.equal(0);
  });

  it('colours a plan on a terminal (green create, yellow update, red replace), not on a pipe, nor with NO_COLOR', () => {
    const coloured = albkitOnTerminal(['plan', afterFile, '--from', beforeFile]);
    expect(coloured.status, coloured.stderr).to.equal(0);
    expect(coloured.stdout).to.include('\x1b[33m~ update Listener web/http\x1b[39m');
    expect(coloured.stdout).to.include('\x1b[31m-/+ replace (create) Listener web/tcp\x1b[39m');
    expect(coloured.stdout).to.include('\x1b[31m(forces replacement)\x1b[39m');
    const created = albkitOnTerminal(['plan', beforeFile, '--from', join(dir, 'empty.json')]);
    expect(created.stdout).to.include('\x1b[32m+ create Listener web/http\x1b[39m');
    const noColour = albkitOnTerminal(['plan', afterFile, '--from', beforeFile], { NO_COLOR: '1' });
    expect(noColour.stdout).to.include('~ update Listener web/http');
    expect(noColour.stdout).not.to.include('\x1b[');
    expect(albkit(['plan', afterFile, '--from', beforeFile]).stdout).not.to.include('\x1b[');
  });

  describe('against a live agent', () => {
    let agent: TestAgent;
    before(async () => {
      agent = await startAgent();
      const deployed = albkit(['deploy', beforeFile, '--stack', 'web', '--state-dir', agent.stateDir]);
      expect(deployed.status, deployed.stderr).to.equal(0);
    });
    after(() => agent?.stop());

    it('plan --endpoint diffs against what the stack has on the agent, with the token options deploy has', () => {
      const { status, stdout, stderr } = albkit([
        'plan',
        afterFile,
        '--stack',
        'web',
        '--endpoint',
        agent.endpoint,
        '--token-file',
        join(agent.stateDir, 'token'),
      ]);
      expect(status, stderr).to.equal(0);
      expect(stdout).to.include(`  ~ update Listener web/http\n      idleTimeoutSeconds: 60 → 120\n`);
      expect(stdout).to.include('0 to create, 3 to update, 1 to replace, 0 to delete');
      const json = albkit(['plan', afterFile, '--stack', 'web', '--json'], {
        ALBKIT_ENDPOINT: agent.endpoint,
        ALBKIT_TOKEN: agent.token,
      });
      const steps = (JSON.parse(json.stdout) as { waves: { id: string; changes: unknown[] }[][] }).waves.flat();
      expect(steps.find((s) => s.id === 'web/http')?.changes).to.deep.equal([
        { path: 'idleTimeoutSeconds', before: 60, after: 120 },
      ]);
      // Another stack owns none of it: planned against nothing, it would create all and is refused as a claim.
      const other = albkit(['plan', afterFile, '--stack', 'other', '--state-dir', agent.stateDir]);
      expect(other.status).to.equal(1);
      expect(other.stderr).to.include('stack "other" claims 9 resources it does not own');
    });

    it('deploy --dry-run prints the same old → new values and changes nothing', async () => {
      const dry = albkit(['deploy', afterFile, '--stack', 'web', '--state-dir', agent.stateDir, '--dry-run']);
      expect(dry.status, dry.stderr).to.equal(0);
      expect(dry.stdout).to.equal(albkit(['plan', afterFile, '--stack', 'web', '--state-dir', agent.stateDir]).stdout);
      expect(dry.stdout).to.include(`      servers[1].weight: 1 → 2\n`);
      const events = albkit([
        'deploy',
        afterFile,
        '--stack',
        'web',
        '--state-dir',
        agent.stateDir,
        '--dry-run',
        '--json',
      ])
        .stdout.trim()
        .split('\n');
      const plan = (JSON.parse(events[0] as string) as { plan: { waves: { id: string; changes: unknown[] }[][] } })
        .plan;
      expect(plan.waves.flat().find((s) => s.id === 'web/web-backend')?.changes).to.deep.equal([
        { path: 'healthCheck.intervalMs', before: 2000, after: 4000 },
      ]);
      const live = await agent.call<{ spec: { idleTimeoutSeconds: number } }>('GET', '/v1/listeners/web%2Fhttp');
      expect(live.body.spec.idleTimeoutSeconds).to.equal(60);
    });

    it('a deploy on a terminal paints each finished step by its action, and not with NO_COLOR', () => {
      const plain = albkitOnTerminal(['deploy', afterFile, '--stack', 'web', '--state-dir', agent.stateDir], {
        NO_COLOR: '1',
      });
      expect(plain.status, plain.stdout).to.equal(0);
      expect(plain.stdout).to.match(/✓ update Listener web\/http {2}\d+ ms\n/);
      // The live view still moves the cursor with escapes; only the colours must go.
      for (const colour of ['\x1b[31m', '\x1b[32m', '\x1b[33m', '\x1b[39m'])
        expect(plain.stdout).not.to.include(colour);
      const painted = albkitOnTerminal(['deploy', beforeFile, '--stack', 'web', '--state-dir', agent.stateDir]);
      expect(painted.status, painted.stdout).to.equal(0);
      expect(painted.stdout, 'the time after the painted step').to.match(/update Listener web\/http.\[39m {2}\d+ ms\n/);
      expect(painted.stdout).to.include('\x1b[33m✓ update Listener web/http\x1b[39m');
      expect(painted.stdout).to.include('\x1b[31m✓ replace (delete) Listener web/tcp\x1b[39m');
      expect(painted.stdout).to.include('\x1b[31m✓ replace (create) Listener web/tcp\x1b[39m');
    });
  });
});
