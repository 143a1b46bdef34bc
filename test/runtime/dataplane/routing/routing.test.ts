import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Agent } from 'undici';
import { validateResources, type Resource, type Rule } from '../../../../lib';
import type { DataPlane } from '../../../../runtime/dataplane/dataplane';
import type { Registry } from 'prom-client';
import {
  LB_ADDRESS,
  applyOk,
  clientFrom,
  fetchText,
  freePort,
  metricValue,
  newDataPlane,
  sleep,
  startHttpBackend,
  tally,
  type HttpBackend,
} from '../http-fixtures';
import { waitFor } from '../../../helpers/wait';

const run = promisify(execFile);

const SERVICES = ['api', 'blue', 'green', 'mirror'] as const;

/** A load balancer whose listener names the url map `lb/rules`: a backend service per name in SERVICES besides `lb/main`. */
function resources(port: number, ports: Record<string, number>, rules: unknown[], more: unknown[] = []): Resource[] {
  const service = (name: string): unknown[] => [
    {
      id: `lb/${name}-servers`,
      kind: 'ServerGroup',
      spec: { loadBalancer: 'lb', servers: [{ name, address: '127.0.0.1', port: ports[name] }] },
    },
    {
      id: `lb/${name}`,
      kind: 'BackendService',
      spec: { loadBalancer: 'lb', protocol: 'HTTP', serverGroups: [`lb/${name}-servers`] },
    },
  ];
  return validateResources([
    { id: 'sg', kind: 'SecurityGroup', spec: {} },
    {
      id: 'lb',
      kind: 'LoadBalancer',
      spec: {
        name: 'lb',
        zones: ['z1'],
        vpc: { cidr: '127.0.0.0/8' },
        subnet: { cidr: '127.0.0.0/24', address: LB_ADDRESS },
        securityGroups: ['sg'],
      },
    },
    ...['main', ...SERVICES].flatMap(service),
    ...more,
    { id: 'lb/rules', kind: 'UrlMap', spec: { loadBalancer: 'lb', rules } },
    {
      id: 'lb/listener',
      kind: 'Listener',
      spec: { loadBalancer: 'lb', protocol: 'HTTP', port, backendService: 'lb/main', urlMap: 'lb/rules' },
    },
  ]);
}

const forward = (
  priority: number,
  conditions: Rule['conditions'],
  backendService: string,
  more: Partial<Rule> = {},
): unknown => ({
  priority,
  conditions,
  action: { forward: { backendService } },
  ...more,
});

describe('url map rules in the data plane', function () {
  this.timeout(60_000);
  let dataPlane: DataPlane;
  let registry: Registry;
  let main: HttpBackend;
  const backends: Record<string, HttpBackend> = {};
  let port: number;
  let client: Agent;
  let url: string;

  before(async () => {
    main = await startHttpBackend('main');
    for (const name of SERVICES) backends[name] = await startHttpBackend(name);
  });
  after(async () => {
    await main.close();
    for (const backend of Object.values(backends)) await backend.close();
  });
  beforeEach(async () => {
    ({ dataPlane, registry } = newDataPlane());
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    client = clientFrom('127.0.0.1');
  });
  afterEach(async () => {
    await client.close();
    await dataPlane.stop(0);
  });

  const ports = (overrides: Record<string, number> = {}): Record<string, number> => ({
    main: main.port,
    ...Object.fromEntries(SERVICES.map((name) => [name, backends[name]!.port])),
    ...overrides,
  });
  const deploy = (rules: unknown[], overrides: Record<string, number> = {}): Promise<void> =>
    applyOk(dataPlane, resources(port, ports(overrides), rules));
  const bodyOf = async (
    path: string,
    headers: Record<string, string> = {},
    method: 'GET' | 'POST' = 'GET',
  ): Promise<string> => (await fetchText(client, `${url}${path}`, { headers, method })).body;

  it('routes by host (exact, wildcard, case and port ignored), falling back to the listener backend service', async () => {
    await deploy([
      forward(10, { hosts: ['api.example.com'] }, 'lb/api'),
      forward(20, { hosts: ['*.example.com'] }, 'lb/blue'),
    ]);
    expect(await bodyOf('/', { host: 'API.Example.com:8080' })).to.equal('api');
    expect(await bodyOf('/', { host: 'www.example.com' })).to.equal('blue');
    expect(await bodyOf('/', { host: 'a.b.example.com' })).to.equal('main');
    expect(await bodyOf('/', { host: 'example.com' })).to.equal('main');
  });

  it('routes by exact and prefix path, the lowest priority winning when several match', async () => {
    await deploy([
      forward(30, { paths: ['/*'] }, 'lb/green'),
      forward(10, { paths: ['/api/*'] }, 'lb/api'),
      forward(20, { paths: ['/login'] }, 'lb/blue'),
    ]);
    expect(await bodyOf('/api/v1/users?x=1')).to.equal('api');
    expect(await bodyOf('/login')).to.equal('blue');
    expect(await bodyOf('/login/more')).to.equal('green');
    expect(await bodyOf('/apix')).to.equal('green');
  });

  it('routes by header glob, query, method and source address', async () => {
    await deploy([
      forward(10, { headers: [{ name: 'x-canary', values: ['yes*', 'on'] }] }, 'lb/api'),
      forward(20, { queries: [{ key: 'ver sion', value: 'b&c' }] }, 'lb/blue'),
      forward(30, { methods: ['POST'] }, 'lb/green'),
      forward(40, { sourceCidrs: ['127.0.0.3/32'] }, 'lb/mirror'),
    ]);
    expect(await bodyOf('/', { 'x-canary': 'YES-please' })).to.equal('api');
    expect(await bodyOf('/', { 'x-canary': 'no' })).to.equal('main');
    expect(await bodyOf('/?ver%20sion=b%26c')).to.equal('blue');
    expect(await bodyOf('/?ver%20sion=b')).to.equal('main');
    expect(await bodyOf('/', {}, 'POST')).to.equal('green');
    const other = clientFrom('127.0.0.3');
    try {
      expect((await fetchText(other, `${url}/`)).body).to.equal('mirror');
    } finally {
      await other.close();
    }
    expect(await bodyOf('/')).to.equal('main');
  });

  it('splits a weighted forward by weight within 5 % over 2000 requests', async () => {
    await deploy([
      {
        priority: 1,
        conditions: { paths: ['/*'] },
        action: {
          weightedForward: {
            targets: [
              { backendService: 'lb/blue', weight: 90 },
              { backendService: 'lb/green', weight: 10 },
            ],
          },
        },
      },
    ]);
    const names: string[] = [];
    for (let i = 0; i < 2000; i++) names.push(await bodyOf('/'));
    const counts = tally(names);
    expect(counts.blue! / 2000).to.be.closeTo(0.9, 0.05);
    expect(counts.green! / 2000).to.be.closeTo(0.1, 0.05);
  });

  it('keeps a client on its weighted target with a signed group cookie, and ignores a forged one', async () => {
    await deploy([
      {
        priority: 1,
        conditions: { paths: ['/*'] },
        action: {
          weightedForward: {
            targets: [
              { backendService: 'lb/blue', weight: 1 },
              { backendService: 'lb/green', weight: 1 },
            ],
            stickinessSeconds: 60,
          },
        },
      },
    ]);
    const first = await fetchText(client, `${url}/`);
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).to.match(/^albkit-group-1=[A-Za-z0-9_-]{22}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=60$/);
    const cookie = setCookie.split(';')[0]!;
    for (let i = 0; i < 10; i++) {
      const again = await fetchText(client, `${url}/`, { headers: { cookie } });
      expect(again.body).to.equal(first.body);
      expect(again.headers['set-cookie']).to.equal(undefined);
    }
    const forged = await fetchText(client, `${url}/`, { headers: { cookie: 'albkit-group-1=AAAAAAAAAAAAAAAAAAAAAA' } });
    expect(String(forged.headers['set-cookie'])).to.match(/^albkit-group-1=/);
    const names = [];
    for (let i = 0; i < 10; i++)
      names.push(
        (await fetchText(client, `${url}/`, { headers: { cookie: 'albkit-group-1=AAAAAAAAAAAAAAAAAAAAAA' } })).body,
      );
    expect(tally(names)).to.deep.equal({ blue: 5, green: 5 });
  });

  it('keeps the session persistence of the backend service a rule forwards to', async () => {
    const servers = ['blue', 'green'].map((name) => ({ name, address: '127.0.0.1', port: backends[name]!.port }));
    const sticky = [
      { id: 'lb/sticky-servers', kind: 'ServerGroup', spec: { loadBalancer: 'lb', servers } },
      {
        id: 'lb/sticky',
        kind: 'BackendService',
        spec: {
          loadBalancer: 'lb',
          protocol: 'HTTP',
          serverGroups: ['lb/sticky-servers'],
          sessionPersistence: { enabled: true, cookieName: 'STICKY' },
        },
      },
    ];
    await applyOk(dataPlane, resources(port, ports(), [forward(1, { paths: ['/app/*'] }, 'lb/sticky')], sticky));
    const first = await fetchText(client, `${url}/app/x`);
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    expect(cookie).to.match(/^STICKY=/);
    for (let i = 0; i < 6; i++)
      expect((await fetchText(client, `${url}/app/x`, { headers: { cookie } })).body).to.equal(first.body);
    expect(
      tally(await Promise.all([0, 1, 2, 3].map(async () => (await fetchText(client, `${url}/app/x`)).body))),
    ).to.deep.equal({ blue: 2, green: 2 });
  });

  it('redirects with a Location exact for each field', async () => {
    await deploy([
      { priority: 1, conditions: { paths: ['/plain'] }, action: { redirect: { path: '/landing' } } },
      {
        priority: 2,
        conditions: { paths: ['/secure/*'] },
        action: { redirect: { protocol: 'HTTPS', port: 443, statusCode: 308 } },
      },
      {
        priority: 3,
        conditions: { paths: ['/moved'] },
        action: {
          redirect: {
            host: 'new.#{host}',
            path: '/v2#{path}',
            query: 'from=#{protocol}-#{port}&#{query}',
            statusCode: 302,
          },
        },
      },
    ]);
    const location = async (path: string): Promise<[number, string]> => {
      const answer = await fetchText(client, `${url}${path}`, { headers: { host: 'Shop.example.com:8080' } });
      return [answer.status, String(answer.headers.location)];
    };
    expect(await location('/plain?a=1')).to.deep.equal([301, `http://shop.example.com:${port}/landing?a=1`]);
    expect(await location('/secure/cart')).to.deep.equal([308, 'https://shop.example.com/secure/cart']);
    expect(await location('/moved?q=2')).to.deep.equal([
      302,
      `http://new.shop.example.com:${port}/v2/moved?from=http-${port}&q=2`,
    ]);
  });

  it('answers a fixed response with its status, content type and UTF-8 body, through curl', async () => {
    await deploy([
      {
        priority: 1,
        conditions: { paths: ['/health'] },
        action: { fixedResponse: { statusCode: 503, contentType: 'application/json', body: '{"état":"down"}' } },
      },
    ]);
    const { stdout } = await run('curl', ['-s', '-i', `${url}/health`]);
    expect(stdout).to.match(/^HTTP\/1.1 503 Service Unavailable\r\n/);
    expect(stdout).to.include('content-type: application/json; charset=utf-8\r\n');
    expect(stdout).to.include(`content-length: ${Buffer.byteLength('{"état":"down"}')}\r\n`);
    expect(stdout.endsWith('\r\n\r\n{"état":"down"}')).to.equal(true);
  });

  it('rewrites host, path and query and edits headers both ways, as the backend and the client see', async () => {
    await deploy([
      forward(1, { paths: ['/old/*'] }, 'lb/api', {
        preActions: {
          rewrite: { host: 'internal.#{host}', path: '/new#{path}', query: '#{query}&via=lb' },
          insertHeaders: [{ name: 'x-route', value: 'old' }],
          deleteHeaders: ['x-secret'],
        },
        postActions: { insertHeaders: [{ name: 'x-served-by', value: 'rule-1' }], deleteHeaders: ['content-type'] },
      }),
    ]);
    const answer = await fetchText(client, `${url}/old/x?a=1`, {
      headers: { host: 'app.example.com', 'x-secret': 's', 'x-route': 'client' },
    });
    expect(answer.body).to.equal('api');
    expect(answer.headers['x-served-by']).to.equal('rule-1');
    expect(answer.headers['content-type']).to.equal(undefined);
    const seen = backends.api!;
    expect(seen.lastLine).to.equal('GET /new/old/x?a=1&via=lb HTTP/1.1');
    expect(seen.last.host).to.equal('internal.app.example.com');
    expect(seen.last['x-route']).to.equal('old');
    expect(seen.last['x-secret']).to.equal(undefined);
    expect(seen.last['x-forwarded-for']).to.equal('127.0.0.1');
  });

  it('mirrors a request to another backend service while the client gets the main answer', async () => {
    await deploy([
      forward(1, { paths: ['/*'] }, 'lb/api', { preActions: { mirror: { backendService: 'lb/mirror' } } }),
    ]);
    const mirror = backends.mirror!;
    const before = mirror.hits;
    expect(await bodyOf('/copied?x=1')).to.equal('api');
    await waitFor(() => mirror.lastLine === 'GET /copied?x=1 HTTP/1.1', 10_000, 'the mirror to get its copy');
    expect(mirror.hits).to.be.greaterThan(before);
  });

  it('never delays the client for a silent or dead mirror', async () => {
    const silent = await startHttpBackend('silent', () => undefined);
    try {
      await deploy(
        [forward(1, { paths: ['/*'] }, 'lb/api', { preActions: { mirror: { backendService: 'lb/mirror' } } })],
        { mirror: silent.port },
      );
      // 200 requests while every copy hangs: more than the mirror bound, all answered by the main backend service.
      const names = await Promise.all(Array.from({ length: 200 }, () => bodyOf('/')));
      expect(tally(names)).to.deep.equal({ api: 200 });
      await silent.close();
      const after = await Promise.all(Array.from({ length: 50 }, () => bodyOf('/')));
      expect(tally(after)).to.deep.equal({ api: 50 });
    } finally {
      await silent.close();
    }
  });

  it('counts matched requests per listener, url map and rule priority', async () => {
    await deploy([forward(7, { paths: ['/api/*'] }, 'lb/api')]);
    for (let i = 0; i < 3; i++) await bodyOf('/api/x');
    await bodyOf('/other');
    expect(
      await metricValue(
        registry,
        'albkit_rule_matched_requests_total{listener="lb/listener",url_map="lb/rules",priority="7"}',
      ),
    ).to.equal(3);
  });

  it('applies a rule change in place under load with no failed request', async () => {
    await deploy([forward(1, { paths: ['/*'] }, 'lb/blue')]);
    let stop = false;
    let failures = 0;
    const seen: string[] = [];
    const load = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const answer = await fetchText(client, `${url}/`);
        if (answer.status !== 200) failures++;
        seen.push(answer.body);
      }
    });
    for (let round = 0; round < 10; round++) {
      await sleep(50);
      await deploy([forward(1, { paths: ['/*'] }, round % 2 === 0 ? 'lb/green' : 'lb/blue')]);
    }
    await sleep(50);
    stop = true;
    await Promise.all(load);
    expect(failures).to.equal(0);
    expect(new Set(seen)).to.deep.equal(new Set(['blue', 'green']));
  });
});
