/**
 * The provider process driven as Terraform drives it, without Terraform: go-plugin handshake over mTLS,
 * schema, validation, configuration, plans with unknowns, apply/read/update/replace/import/upgrade and
 * destroy against a live agent, whose operation log proves the order.
 */
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { selfSignedCertificate } from '../../../runtime/terraform/certificate';
import { UNKNOWN, type CtyValue } from '../../../runtime/terraform/cty';
import { PROVIDER_TYPE, resourceSchemas } from '../../../runtime/terraform/schema';
import { startAgent, type TestAgent } from '../../helpers/agent';
import { dv, fromDv, startProvider, type ProviderProcess } from './plugin-client';

type State = Record<string, CtyValue>;
type Reply = Record<string, unknown>;
const typeOf = (typeName: string) => resourceSchemas().get(typeName)!.type;
const LISTENER_PORT = 23080;
const OTHER_PORT = 23081;
const HTTPS_PORT = 23083;

/** GET over HTTPS, trusting only `ca`; resolves with the body. */
function httpsGet(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/', ca, servername: 'localhost' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Terraform's rule: every value known in the plan is the value after apply. */
function expectConsistent(planned: CtyValue, applied: CtyValue, path = ''): void {
  if (planned === UNKNOWN) return;
  if (planned !== null && typeof planned === 'object') {
    for (const [key, value] of Object.entries(planned)) {
      expectConsistent(value, (applied as Record<string, CtyValue>)[key]!, `${path}.${key}`);
    }
    return;
  }
  expect(applied, `planned ${path}`).to.deep.equal(planned);
}

describe('terraform-provider-albkit protocol', function () {
  this.timeout(30_000);
  let agent: TestAgent;
  let provider: ProviderProcess;
  let backend: Server;
  let backendPort: number;

  before(async () => {
    backend = createServer((_req, res) => res.end('hello from a\n'));
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    backendPort = (backend.address() as AddressInfo).port;
    agent = await startAgent();
    provider = await startProvider();
  });

  after(async () => {
    await provider?.stop();
    await agent?.stop();
    await new Promise((resolve) => backend?.close(resolve));
  });

  const rpc = (name: string, request: object) => provider.provider[name]!(request);

  async function plan(typeName: string, config: Record<string, unknown>, prior: Record<string, unknown> | null = null) {
    const type = typeOf(typeName);
    const response = await rpc('PlanResourceChange', {
      type_name: typeName,
      prior_state: dv(type, prior),
      proposed_new_state: dv(type, config),
      config: dv(type, config),
    });
    return { ...response, planned: fromDv(type, response.planned_state) as State } as Reply & { planned: State };
  }

  async function apply(
    typeName: string,
    planned: State | null,
    prior: Record<string, unknown> | null = null,
    config: State | null = planned,
  ) {
    const type = typeOf(typeName);
    const response = await rpc('ApplyResourceChange', {
      type_name: typeName,
      prior_state: dv(type, prior),
      planned_state: dv(type, planned),
      config: dv(type, config),
    });
    return { ...response, state: fromDv(type, response.new_state) as State | null } as Reply & { state: State | null };
  }

  async function create(typeName: string, config: State): Promise<State> {
    const planned = await plan(typeName, config);
    expect(planned.diagnostics, `${typeName} plan`).to.deep.equal([]);
    const applied = await apply(typeName, planned.planned, null, config);
    expect(applied.diagnostics, `${typeName} apply`).to.deep.equal([]);
    expectConsistent(planned.planned, applied.state);
    return applied.state!;
  }

  const configs = (): Record<string, State> => ({
    albkit_security_group: { resource_id: 'web-sg', ingress: [{ cidr: '127.0.0.0/8', protocol: 'TCP' }] },
    albkit_load_balancer: {
      resource_id: 'web',
      name: 'web',
      zones: ['local-a'],
      vpc: { cidr: '127.0.0.0/8' },
      subnet: { cidr: '127.0.0.0/24', address: '127.0.0.1' },
      security_groups: ['web-sg'],
    },
    albkit_server_group: {
      resource_id: 'web/servers',
      load_balancer: 'web',
      servers: [{ name: 'a', address: '127.0.0.1', port: backendPort, weight: 3 }],
    },
    albkit_backend_service: {
      resource_id: 'web/backend',
      load_balancer: 'web',
      protocol: 'HTTP',
      server_groups: ['web/servers'],
      health_check: { interval_ms: 500, timeout_ms: 200, healthy_threshold: 1 },
    },
    albkit_listener: {
      resource_id: 'web/http',
      load_balancer: 'web',
      protocol: 'HTTP',
      port: LISTENER_PORT,
      backend_service: 'web/backend',
    },
  });

  it('completes the go-plugin handshake over mTLS and reports healthy', async () => {
    const { handshake } = provider;
    expect(handshake.coreVersion).to.equal('1');
    expect(handshake.protocolVersion).to.equal('6');
    expect(handshake.network).to.equal('tcp');
    expect(handshake.address).to.match(/^127\.0\.0\.1:\d+$/);
    expect(handshake.protocol).to.equal('grpc');
    expect(handshake.certificate).to.match(/^[A-Za-z0-9+/]+$/, 'base64 without padding');
    expect(await provider.health('plugin')).to.deep.equal({ status: 'SERVING' });
  });

  it('refuses a client with another certificate, and one with none', async () => {
    const stranger = selfSignedCertificate();
    const wrong = provider.connect(
      grpc.credentials.createSsl(
        Buffer.from(provider.serverCertPem),
        Buffer.from(stranger.keyPem),
        Buffer.from(stranger.certPem),
      ),
    );
    const none = provider.connect(grpc.credentials.createSsl(Buffer.from(provider.serverCertPem)));
    for (const client of [wrong, none]) {
      const error = await client.GetProviderSchema!({}).then(
        () => undefined,
        (e: grpc.ServiceError) => e,
      );
      expect(error?.code).to.equal(grpc.status.UNAVAILABLE);
    }
  });

  it('serves the schema generated from the model', async () => {
    const response = await rpc('GetProviderSchema', {});
    const resources = response.resource_schemas as Record<
      string,
      {
        block: {
          attributes: {
            name: string;
            sensitive: boolean;
            required: boolean;
            computed: boolean;
            nested_type?: { attributes: { name: string; sensitive: boolean }[] };
          }[];
        };
      }
    >;
    expect(Object.keys(resources).sort()).to.deep.equal([
      'albkit_availability_group',
      'albkit_backend_service',
      'albkit_eip',
      'albkit_listener',
      'albkit_load_balancer',
      'albkit_security_group',
      'albkit_server_group',
      'albkit_url_map',
    ]);
    const listener = resources.albkit_listener!.block.attributes;
    const byName = Object.fromEntries(listener.map((a) => [a.name, a]));
    expect(byName.resource_id!.required).to.equal(true);
    expect(byName.id!.computed).to.equal(true);
    expect(byName.idle_timeout_seconds!.computed).to.equal(true);
    const keyPem = byName.certificate!.nested_type!.attributes.find((a) => a.name === 'key_pem');
    expect(keyPem?.sensitive).to.equal(true);
    expect((response.server_capabilities as { plan_destroy: boolean }).plan_destroy).to.equal(true);
  });

  it("logs each call on stderr in go-plugin's JSON line format, and nothing but the handshake on stdout", async () => {
    await rpc('GetProviderSchema', {});
    const lines = provider
      .stderr()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const entry = lines.find((line) => line['@message'] === 'GetProviderSchema');
    expect(entry).to.include({ '@level': 'debug', errors: 0 });
    expect(entry!['@timestamp']).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(provider.stdout()).to.match(/^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc\|[A-Za-z0-9+/]+\n$/);
  });

  it('validates configuration with the model and names the attribute', async () => {
    const type = typeOf('albkit_listener');
    const { diagnostics } = await rpc('ValidateResourceConfig', {
      type_name: 'albkit_listener',
      config: dv(type, {
        ...configs().albkit_listener,
        port: 70000,
        certificate: { cert_file: 'a.pem', key_file: 'a.key' },
      }),
    });
    const found = (diagnostics as { summary: string; attribute: { steps: { attribute_name: string }[] } }[]).map(
      (d) => ({
        path: d.attribute.steps.map((s) => s.attribute_name).join('.'),
        summary: d.summary,
      }),
    );
    expect(found.map((d) => d.path)).to.deep.equal(['port']);
    const backendType = typeOf('albkit_backend_service');
    const backendCheck = await rpc('ValidateResourceConfig', {
      type_name: 'albkit_backend_service',
      config: dv(backendType, {
        ...configs().albkit_backend_service,
        health_check: { timeout_ms: 900, interval_ms: 500 },
      }),
    });
    const [diagnostic] = backendCheck.diagnostics as {
      summary: string;
      detail: string;
      attribute: { steps: { attribute_name: string }[] };
    }[];
    expect(diagnostic!.attribute.steps.map((s) => s.attribute_name)).to.deep.equal(['health_check', 'timeout_ms']);
    expect(diagnostic!.detail).to.equal(
      'web/backend: health_check.timeout_ms: timeout_ms must be less than interval_ms',
    );
    const noPort = await rpc('ValidateResourceConfig', {
      type_name: 'albkit_backend_service',
      config: dv(backendType, {
        ...configs().albkit_backend_service,
        server_groups: [],
        availability_groups: ['web-instances'],
      }),
    });
    expect(
      (noPort.diagnostics as { summary: string }[]).map((d) => d.summary),
      'a server group backend needs no port, an availability group one does',
    ).to.deep.equal([
      "port: is required with availability groups: their instances serve on the backend service's port",
    ]);
  });

  it('words errors as Terraform users write the fields: snake_case paths and plain words, not zod text', async () => {
    const type = typeOf('albkit_server_group');
    const { diagnostics } = await rpc('ValidateResourceConfig', {
      type_name: 'albkit_server_group',
      config: dv(type, {
        ...configs().albkit_server_group,
        servers: [{ address: '127.0.0.1', port: 8080, weight: 1.5 }],
      }),
    });
    expect((diagnostics as { summary: string }[]).map((d) => d.summary)).to.deep.equal([
      'servers[0].weight: must be a whole number',
    ]);
    const backendType = typeOf('albkit_backend_service');
    const onlyInterval = await rpc('ValidateResourceConfig', {
      type_name: 'albkit_backend_service',
      config: dv(backendType, { ...configs().albkit_backend_service, health_check: { interval_ms: 4000 } }),
    });
    expect((onlyInterval.diagnostics as { summary: string }[]).map((d) => d.summary)).to.deep.equal([
      'health_check.interval_ms: timeout_ms must be less than interval_ms; timeout_ms is 5000 ms (its default), so set interval_ms above 5000, or timeout_ms below 4000',
    ]);
  });

  it('logs each call with the resource id and the error text', async () => {
    const type = typeOf('albkit_server_group');
    await rpc('ValidateResourceConfig', {
      type_name: 'albkit_server_group',
      config: dv(type, {
        ...configs().albkit_server_group,
        resource_id: 'web/logged',
        servers: [{ address: '127.0.0.1', port: 0 }],
      }),
    });
    const line = provider
      .stderr()
      .split('\n')
      .filter((text) => text.includes('"resource_id":"web/logged"'))
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .at(-1);
    expect(line).to.deep.include({
      '@level': 'warn',
      '@message': 'ValidateResourceConfig',
      type_name: 'albkit_server_group',
      resource_id: 'web/logged',
      errors: 1,
    });
    expect(line!.error).to.equal(
      'servers[0].port: must be at least 1: web/logged: servers[0].port: must be at least 1',
    );
  });

  it('leaves a certificate whose PEM text is not yet known (a variable at validate) for apply', async () => {
    const type = typeOf('albkit_listener');
    const { diagnostics } = await rpc('ValidateResourceConfig', {
      type_name: 'albkit_listener',
      config: dv(type, {
        ...configs().albkit_listener,
        protocol: 'HTTPS',
        certificate: { cert_pem: UNKNOWN, key_pem: UNKNOWN },
      }),
    });
    expect(diagnostics).to.deep.equal([]);
  });

  it('reports the rules across fields of one resource (HTTP listener with a certificate)', async () => {
    const type = typeOf('albkit_listener');
    const { diagnostics } = await rpc('ValidateResourceConfig', {
      type_name: 'albkit_listener',
      config: dv(type, { ...configs().albkit_listener, certificate: { cert_file: 'a.pem', key_file: 'a.key' } }),
    });
    expect((diagnostics as { summary: string }[]).map((d) => d.summary)).to.deep.equal([
      'certificate: an HTTP listener takes no certificate (use HTTPS or TLS)',
    ]);
  });

  it('needs an endpoint and token, and says when the agent cannot be reached', async () => {
    const fresh = await startProvider({ ALBKIT_ENDPOINT: '', ALBKIT_TOKEN: '', ALBKIT_STATE_DIR: '' });
    try {
      const { diagnostics } = await fresh.provider.ConfigureProvider!({ config: dv(PROVIDER_TYPE, {}) });
      expect((diagnostics as { summary: string }[])[0]!.summary).to.equal('provider albkit: no endpoint and no token');
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const endpoint = `http://127.0.0.1:${port}`;
      const configured = await fresh.provider.ConfigureProvider!({
        config: dv(PROVIDER_TYPE, { endpoint, token: 't' }),
      });
      expect(configured.diagnostics).to.deep.equal([]);
      const unreachable = await fresh.provider.ImportResourceState!({ type_name: 'albkit_eip', id: 'ip' });
      expect((unreachable.diagnostics as { summary: string }[])[0]!.summary).to.equal(
        `ip: import: cannot reach the albkit agent at ${endpoint} (ECONNREFUSED)`,
      );
      const type = typeOf('albkit_security_group');
      const config = dv(type, configs().albkit_security_group);
      const planAt = () =>
        fresh.provider.PlanResourceChange!({
          type_name: 'albkit_security_group',
          prior_state: dv(type, null),
          proposed_new_state: config,
          config,
        });
      expect(((await planAt()).diagnostics as { summary: string }[]).map((d) => d.summary)).to.deep.equal([
        `albkit provider: cannot reach the albkit agent at ${endpoint} (ECONNREFUSED)`,
      ]);
      expect(
        (await planAt()).diagnostics,
        'the provider configuration is reported once, not once per resource',
      ).to.deep.equal([]);
      await fresh.provider.ConfigureProvider!({
        config: dv(PROVIDER_TYPE, { endpoint: agent.endpoint, token: agent.token }),
      });
      expect((await planAt()).diagnostics, 'a failed read of the agent is not kept').to.deep.equal([]);
    } finally {
      await fresh.stop();
    }
  });

  it('configures from the agent state directory', async () => {
    const { diagnostics } = await rpc('ConfigureProvider', {
      terraform_version: '1.11.4',
      config: dv(PROVIDER_TYPE, { state_dir: agent.stateDir }),
    });
    expect(diagnostics).to.deep.equal([]);
  });

  it('plans with unknown values: they stay unknown, defaults and what follows from known values fill in, id is the resource_id', async () => {
    const config = {
      ...configs().albkit_backend_service,
      resource_id: 'web/unknowns',
      load_balancer: UNKNOWN,
      server_groups: UNKNOWN,
    };
    const { planned, diagnostics } = await plan('albkit_backend_service', config);
    expect(diagnostics).to.deep.equal([]);
    expect(planned.load_balancer).to.equal(UNKNOWN);
    expect(planned.server_groups).to.equal(UNKNOWN);
    expect(planned.id).to.equal('web/unknowns');
    expect(planned.algorithm).to.equal('WEIGHTED_ROUND_ROBIN');
    expect(planned.health_check).to.deep.include({
      interval_ms: 500,
      timeout_ms: 200,
      healthy_threshold: 1,
      unhealthy_threshold: 3,
      path: '/',
    });
    expect((planned.health_check as State).protocol, 'follows from the backend protocol').to.equal('HTTP');
  });

  it('creates every resource in order, each ACTIVE, and the listener serves', async () => {
    const all = configs();
    for (const [typeName, config] of Object.entries(all)) {
      const state = await create(typeName, config);
      expect(state.id).to.equal(config.resource_id);
    }
    const { body } = await agent.call<{ status: { state: string } }>(
      'GET',
      `/v1/listeners/${encodeURIComponent('web/http')}`,
    );
    expect(body.status.state).to.equal('ACTIVE');
    const response = await fetch(`http://127.0.0.1:${LISTENER_PORT}/`);
    expect(await response.text()).to.equal('hello from a\n');
  });

  it("reports a listener that cannot bind as FAILED with the agent's reason, keeping it in the state, and destroys it", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const config = { ...configs().albkit_listener, resource_id: 'web/busy', port };
      const planned = await plan('albkit_listener', config);
      expect(planned.diagnostics).to.deep.equal([]);
      const applied = await apply('albkit_listener', planned.planned, null, config);
      const diagnostics = applied.diagnostics as { severity: string; summary: string; detail: string }[];
      expect(diagnostics.map(({ severity, summary }) => `${severity} ${summary}`)).to.deep.equal([
        'ERROR web/busy: Listener FAILED',
      ]);
      expect(diagnostics[0]!.detail, 'the reason names the address').to.contain(`127.0.0.1:${port}`);
      expect(applied.state).to.deep.include({ id: 'web/busy', port });
      expect((await apply('albkit_listener', null, applied.state)).diagnostics).to.deep.equal([]);
      expect((await agent.call('GET', `/v1/listeners/${encodeURIComponent('web/busy')}`)).status).to.equal(404);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('serves HTTPS with a certificate given inline, the plan and the state read back matching what the agent keeps', async () => {
    const pems = selfSignedCertificate();
    const config = {
      ...configs().albkit_listener,
      resource_id: 'web/https',
      protocol: 'HTTPS',
      port: HTTPS_PORT,
      certificate: { cert_pem: pems.certPem, key_pem: pems.keyPem },
    };
    const state = await create('albkit_listener', config);
    expect(state.certificate).to.deep.equal({
      cert_pem: pems.certPem,
      key_pem: pems.keyPem,
      cert_file: null,
      key_file: null,
    });
    expect(await httpsGet(HTTPS_PORT, pems.certPem)).to.equal('hello from a\n');
    // The agent returns the key as its fingerprint; the state read back keeps the key it had.
    const type = typeOf('albkit_listener');
    const read = await rpc('ReadResource', { type_name: 'albkit_listener', current_state: dv(type, state) });
    expect((fromDv(type, read.new_state) as State).certificate).to.deep.equal(state.certificate);
    expect((await apply('albkit_listener', null, state)).diagnostics).to.deep.equal([]);
  });

  it('creates an availability group and a backend service over it, then deletes both', async () => {
    const group = await create('albkit_availability_group', {
      resource_id: 'web-instances',
      instances: [{ address: '127.0.0.1', zone: 'local-a' }],
      weight: 5,
    });
    expect(group).to.deep.include({ weight: 5, min_size: 0, max_size: 10 });
    const backend = await create('albkit_backend_service', {
      resource_id: 'web/instances-backend',
      load_balancer: 'web',
      protocol: 'HTTP',
      port: backendPort,
      availability_groups: ['web-instances'],
    });
    expect(backend).to.deep.include({ availability_groups: ['web-instances'], server_groups: [] });
    expect((await apply('albkit_backend_service', null, backend)).diagnostics).to.deep.equal([]);
    expect((await apply('albkit_availability_group', null, group)).diagnostics).to.deep.equal([]);
  });

  it('shows no HTTP-only fields for a TCP backend service (null, not defaults), in the plan and in the state', async () => {
    const tcp = {
      ...configs().albkit_backend_service,
      resource_id: 'web/tcp-backend',
      protocol: 'TCP',
      health_check: null,
    };
    const { planned } = await plan('albkit_backend_service', tcp);
    expect(planned.session_persistence).to.equal(null);
    expect(planned.health_check).to.deep.include({ protocol: 'TCP', path: null, status_codes: null, timeout_ms: 5000 });
    const state = await create('albkit_backend_service', tcp);
    expect(state.session_persistence).to.equal(null);
    expect(state.health_check).to.deep.include({ path: null, status_codes: null });
    const type = typeOf('albkit_backend_service');
    const read = fromDv(
      type,
      (await rpc('ReadResource', { type_name: 'albkit_backend_service', current_state: dv(type, state) })).new_state,
    ) as State;
    expect(read, 'read back as planned').to.deep.equal(state);
    const httpCheck = await plan('albkit_backend_service', {
      ...tcp,
      resource_id: 'web/tcp-http-check',
      health_check: { protocol: 'HTTP' },
    });
    expect(httpCheck.planned.health_check, 'an HTTP check of a TCP backend has a path').to.deep.include({
      path: '/',
      status_codes: ['2xx', '3xx'],
    });
    expect(httpCheck.planned.session_persistence).to.equal(null);
    const http = await plan('albkit_backend_service', {
      ...configs().albkit_backend_service,
      resource_id: 'web/http-backend',
    });
    expect(http.planned.session_persistence).to.deep.equal({
      enabled: false,
      cookie_name: 'ALBKIT_SERVER',
      ttl_seconds: 0,
    });
    const unknownProtocol = await plan('albkit_backend_service', {
      ...tcp,
      resource_id: 'web/which',
      protocol: UNKNOWN,
    });
    expect(unknownProtocol.planned.session_persistence, 'known after apply while the protocol is').to.equal(UNKNOWN);
    expect((await apply('albkit_backend_service', null, state)).diagnostics).to.deep.equal([]);
  });

  it('fills derived values at plan from the model (listener idle timeout, server zone from the agent)', async () => {
    const listener = await plan('albkit_listener', {
      ...configs().albkit_listener,
      resource_id: 'web/other',
      port: OTHER_PORT + 10,
    });
    expect(listener.planned.idle_timeout_seconds).to.equal(60);
    const group = await plan('albkit_server_group', { ...configs().albkit_server_group, resource_id: 'web/more' });
    expect((group.planned.servers as State[])[0]!.zone).to.equal('local-a');
  });

  it("rejects at plan a listener port the agent's load balancer already uses, naming both", async () => {
    const { diagnostics } = await plan('albkit_listener', { ...configs().albkit_listener, resource_id: 'web/dup' });
    const [diagnostic] = diagnostics as { summary: string; attribute: { steps: { attribute_name: string }[] } }[];
    expect(diagnostic!.summary).to.equal(
      `port: ${LISTENER_PORT} is already used by listener web/http on load balancer web`,
    );
    expect(diagnostic!.attribute.steps).to.deep.equal([{ attribute_name: 'port', selector: 'attribute_name' }]);
  });

  it('reads the agent state back, and null once the resource is gone', async () => {
    const type = typeOf('albkit_listener');
    const read = await rpc('ReadResource', {
      type_name: 'albkit_listener',
      current_state: dv(type, { ...configs().albkit_listener, id: 'web/http' }),
    });
    const state = fromDv(type, read.new_state) as State;
    expect(state).to.deep.include({ id: 'web/http', port: LISTENER_PORT, idle_timeout_seconds: 60 });
    const missing = await rpc('ReadResource', {
      type_name: 'albkit_listener',
      current_state: dv(type, { id: 'web/none' }),
    });
    expect(fromDv(type, missing.new_state)).to.equal(null);
  });

  it('updates in place when no replace field changes', async () => {
    const typeName = 'albkit_server_group';
    const prior = (
      await agent.call<{ generation: number }>('GET', `/v1/server-groups/${encodeURIComponent('web/servers')}`)
    ).body;
    const type = typeOf(typeName);
    const current = fromDv(
      type,
      (await rpc('ReadResource', { type_name: typeName, current_state: dv(type, { id: 'web/servers' }) })).new_state,
    ) as State;
    const config = configs().albkit_server_group;
    const server = (config?.servers as State[] | undefined)?.[0];
    if (config === undefined || server === undefined) throw new Error('the server group config has no server');
    server.weight = 5;
    const planned = await plan(typeName, config, current);
    expect(planned.requires_replace).to.deep.equal([]);
    expect(planned.planned.id).to.equal('web/servers');
    const applied = await apply(typeName, planned.planned, current, config);
    expect(applied.diagnostics).to.deep.equal([]);
    expectConsistent(planned.planned, applied.state);
    const after = (
      await agent.call<{ generation: number; spec: { servers: { weight: number }[] } }>(
        'GET',
        `/v1/server-groups/${encodeURIComponent('web/servers')}`,
      )
    ).body;
    expect(after.generation).to.equal(prior.generation + 1);
    expect(after.spec.servers[0]!.weight).to.equal(5);
  });

  it('asks for a replace when a replace field changes, and replaces (delete, then create)', async () => {
    const typeName = 'albkit_listener';
    const type = typeOf(typeName);
    const current = fromDv(
      type,
      (await rpc('ReadResource', { type_name: typeName, current_state: dv(type, { id: 'web/http' }) })).new_state,
    ) as State;
    const config = { ...configs().albkit_listener, port: OTHER_PORT };
    const replace = await plan(typeName, config, current);
    expect(replace.diagnostics).to.deep.equal([]);
    expect(replace.requires_replace).to.deep.equal([
      { steps: [{ attribute_name: 'port', selector: 'attribute_name' }] },
    ]);
    expect(replace.planned.id).to.equal(UNKNOWN);
    expect((await apply(typeName, null, current)).state).to.equal(null);
    const created = await create(typeName, config);
    expect(created.port).to.equal(OTHER_PORT);
    expect(await (await fetch(`http://127.0.0.1:${OTHER_PORT}/`)).text()).to.equal('hello from a\n');
  });

  it('upgrades state from its JSON form, dropping attributes the schema no longer has', async () => {
    const type = typeOf('albkit_eip');
    const response = await rpc('UpgradeResourceState', {
      type_name: 'albkit_eip',
      version: 0,
      raw_state: {
        json: Buffer.from(JSON.stringify({ id: 'ip', resource_id: 'ip', address: '127.0.0.9', retired: true })),
      },
    });
    expect(response.diagnostics).to.deep.equal([]);
    expect(fromDv(type, response.upgraded_state)).to.deep.equal({ address: '127.0.0.9', id: 'ip', resource_id: 'ip' });
    const newer = await rpc('UpgradeResourceState', {
      type_name: 'albkit_eip',
      version: 7,
      raw_state: { json: Buffer.from('{}') },
    });
    expect((newer.diagnostics as { summary: string }[])[0]!.summary).to.match(/newer than this provider's 0/);
  });

  it('imports an agent resource by id, and says when there is none', async () => {
    const response = await rpc('ImportResourceState', { type_name: 'albkit_load_balancer', id: 'web' });
    const [imported] = response.imported_resources as { type_name: string; state: unknown }[];
    expect(imported!.type_name).to.equal('albkit_load_balancer');
    expect(fromDv(typeOf('albkit_load_balancer'), imported!.state)).to.deep.include({
      id: 'web',
      name: 'web',
      security_groups: ['web-sg'],
    });
    const missing = await rpc('ImportResourceState', { type_name: 'albkit_load_balancer', id: 'nope' });
    expect((missing.diagnostics as { summary: string }[])[0]!.summary).to.equal(
      'nope: the agent has no LoadBalancer with this id',
    );
  });

  it("returns the agent's refusal as a diagnostic: a load balancer with dependents cannot be deleted", async () => {
    const type = typeOf('albkit_load_balancer');
    const prior = { ...configs().albkit_load_balancer, id: 'web' };
    const response = await apply('albkit_load_balancer', null, prior);
    const [diagnostic] = response.diagnostics as { severity: string; summary: string }[];
    expect(diagnostic!.severity).to.equal('ERROR');
    expect(diagnostic!.summary).to.match(/^web: delete: .*409 CONFLICT/);
    expect(fromDv(type, response.new_state)).to.deep.include({ id: 'web' });
  });

  it('destroys in reverse order, as the agent log shows', async () => {
    const order = [
      'albkit_listener',
      'albkit_backend_service',
      'albkit_server_group',
      'albkit_load_balancer',
      'albkit_security_group',
    ];
    const all = configs();
    const start = (await agent.call<{ items: { seq: number }[] }>('GET', '/v1/operations')).body.items.length;
    for (const typeName of order) {
      const prior = { ...all[typeName]!, id: all[typeName]!.resource_id! };
      const planned = await plan(typeName, prior, prior);
      expect(planned.diagnostics).to.deep.equal([]);
      const destroyPlan = await rpc('PlanResourceChange', {
        type_name: typeName,
        prior_state: dv(typeOf(typeName), prior),
        proposed_new_state: dv(typeOf(typeName), null),
        config: dv(typeOf(typeName), null),
      });
      expect(fromDv(typeOf(typeName), destroyPlan.planned_state)).to.equal(null);
      const destroyed = await apply(typeName, null, prior);
      expect(destroyed.diagnostics, typeName).to.deep.equal([]);
    }
    const { body } = await agent.call<{ items: { op: string; id: string }[] }>('GET', '/v1/operations');
    expect(body.items.slice(start).map((item) => `${item.op} ${item.id}`)).to.deep.equal([
      'delete web/http',
      'delete web/backend',
      'delete web/servers',
      'delete web',
      'delete web-sg',
    ]);
    expect((await agent.call<{ resources: unknown[] }>('GET', '/v1/manifest')).body.resources).to.deep.equal([]);
  });

  it('shuts down through GRPCController/Shutdown and exits 0', async () => {
    await rpc('StopProvider', {});
    await provider.shutdownRpc();
    expect(await provider.exited).to.equal(0);
  });
});
