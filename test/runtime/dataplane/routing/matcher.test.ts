import { expect } from 'chai';
import fc from 'fast-check';
import type { Rule, RuleConditions } from '../../../../lib';
import { compileRules, matchRule } from '../../../../runtime/dataplane/routing/matcher';
import { requestView } from '../../../../runtime/dataplane/routing/request-view';
import { compileGlob } from '../../../../runtime/dataplane/routing/glob';

/** The reference: every rule in priority order, each condition read straight from the model's words. */
function scan(
  rules: readonly Rule[],
  method: string,
  url: string,
  raw: readonly string[],
  clientIp: string,
): Rule | undefined {
  const [target = '', ...rest] = url.split('?');
  const query = rest.join('?');
  const hostField = raw.find((_, i) => i % 2 === 0 && raw[i]!.toLowerCase() === 'host');
  const hostValue = hostField === undefined ? '' : raw[raw.indexOf(hostField) + 1]!;
  const host = hostValue.replace(/:\d*$/, '').toLowerCase();
  const headers: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) headers.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const pairs = query
    .split('&')
    .filter((part) => part !== '')
    .map((part) =>
      part.includes('=')
        ? [decode(part.slice(0, part.indexOf('='))), decode(part.slice(part.indexOf('=') + 1))]
        : [decode(part), ''],
    );
  const glob = (pattern: string, value: string): boolean =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'is',
    ).test(value);
  const ip = clientIp.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  const inCidr = (cidr: string): boolean => {
    const [base = '', bits = '32'] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    const first = Math.floor(base.split('.').reduce((sum, part) => sum * 256 + Number(part), 0) / size) * size;
    return ip >= first && ip < first + size;
  };
  const holds = (c: RuleConditions): boolean =>
    (c.hosts === undefined ||
      c.hosts.some((pattern) => {
        const p = pattern.toLowerCase();
        if (!p.startsWith('*.')) return p === host;
        const label = host.slice(0, host.length - p.length + 1);
        return host.endsWith(p.slice(1)) && label.length > 0 && !label.includes('.');
      })) &&
    (c.paths === undefined ||
      c.paths.some((p) => (p.endsWith('/*') ? target.startsWith(p.slice(0, -1)) : p === target))) &&
    (c.methods === undefined || c.methods.includes(method as never)) &&
    (c.sourceCidrs === undefined || c.sourceCidrs.some(inCidr)) &&
    (c.queries === undefined || c.queries.some((q) => pairs.some(([k, v]) => k === q.key && v === q.value))) &&
    (c.headers === undefined ||
      c.headers.every((h) => headers.some(([n, v]) => n === h.name.toLowerCase() && h.values.some((g) => glob(g, v)))));
  return [...rules].sort((a, b) => a.priority - b.priority).find((rule) => holds(rule.conditions));
}

const HOSTS = ['a.example.com', 'b.example.com', 'example.com', 'x.a.example.com', 'other.org'];
const host = fc.constantFrom(...HOSTS, '*.example.com', '*.a.example.com', '*.org', 'A.Example.COM');
const path = fc.constantFrom('/', '/api', '/api/', '/api/v1', '/api/v1/users', '/apix', '/static/a.css', '/login');
const pathPattern = fc.constantFrom('/*', '/api/*', '/api/v1/*', '/api', '/login', '/static/*', '/api/v1/users');
const headerValue = fc.constantFrom('alpha', 'ALPHA', 'beta', 'al?ha', 'a*', '*ta', '*', 'gamma*x');
const headerName = fc.constantFrom('x-canary', 'User-Agent', 'x-tier');
const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE');
const cidr = fc.constantFrom('127.0.0.0/8', '127.0.0.2/32', '10.0.0.0/8', '127.0.0.0/30', '0.0.0.0/0');
const queryKey = fc.constantFrom('v', 'a b', 'x');
const queryValue = fc.constantFrom('1', '2', 'a&b', '');

const conditions: fc.Arbitrary<RuleConditions> = fc
  .record(
    {
      hosts: fc.array(host, { minLength: 1, maxLength: 3 }),
      paths: fc.array(pathPattern, { minLength: 1, maxLength: 3 }),
      headers: fc.array(
        fc.record({ name: headerName, values: fc.array(headerValue, { minLength: 1, maxLength: 3 }) }),
        { minLength: 1, maxLength: 2 },
      ),
      queries: fc.array(fc.record({ key: queryKey, value: queryValue }), { minLength: 1, maxLength: 2 }),
      methods: fc.array(method, { minLength: 1, maxLength: 3 }),
      sourceCidrs: fc.array(cidr, { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .filter((c) => Object.keys(c).length > 0);

const rules: fc.Arbitrary<Rule[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: 0, maxLength: 25 })
  .chain((priorities) =>
    fc.tuple(
      ...priorities.map((priority) =>
        conditions.map((c): Rule => ({
          priority,
          conditions: c,
          action: { fixedResponse: { statusCode: 200, contentType: 'text/plain', body: String(priority) } },
        })),
      ),
    ),
  );

const request = fc.record({
  method,
  host: fc.constantFrom(...HOSTS, 'A.EXAMPLE.com:8080', 'b.example.com:80', 'nohost'),
  path,
  query: fc.constantFrom('', 'v=1', 'v=2&x=', 'a%20b=a%26b', 'x', 'v=%zz', 'v=1&v=2'),
  headers: fc.array(fc.tuple(headerName, fc.constantFrom('alpha', 'Alpha', 'beta', 'alxha', 'gammaQx', 'zeta', '')), {
    maxLength: 3,
  }),
  clientIp: fc.constantFrom('127.0.0.1', '127.0.0.2', '127.0.0.3', '10.1.2.3', '192.168.0.1'),
});

describe('url map matcher', () => {
  it('picks the same rule as a plain scan of the rules in priority order', () => {
    fc.assert(
      fc.property(rules, request, (ruleSet, req) => {
        const raw = [...(req.host === 'nohost' ? [] : ['Host', req.host]), ...req.headers.flat()];
        const url = req.query === '' ? req.path : `${req.path}?${req.query}`;
        const matched = matchRule(compileRules(ruleSet), requestView(req.method, url, raw, req.clientIp));
        expect(matched?.rule.priority).to.equal(scan(ruleSet, req.method, url, raw, req.clientIp)?.priority);
      }),
      { numRuns: 3000 },
    );
  });

  it('lets the lowest priority win when several rules match, whatever their order in the url map', () => {
    const rule = (priority: number, conditions: RuleConditions): Rule => ({
      priority,
      conditions,
      action: { fixedResponse: { statusCode: 200, contentType: 'text/plain', body: '' } },
    });
    const matcher = compileRules([
      rule(30, { paths: ['/*'] }),
      rule(10, { hosts: ['*.example.com'] }),
      rule(20, { paths: ['/api/*'] }),
    ]);
    expect(
      matchRule(matcher, requestView('GET', '/api/x', ['Host', 'www.example.com'], '127.0.0.1'))?.rule.priority,
    ).to.equal(10);
    expect(
      matchRule(matcher, requestView('GET', '/api/x', ['Host', 'example.com'], '127.0.0.1'))?.rule.priority,
    ).to.equal(20);
    expect(
      matchRule(matcher, requestView('GET', '/other', ['Host', 'example.com'], '127.0.0.1'))?.rule.priority,
    ).to.equal(30);
  });

  it('reads the host and path of an absolute-form target', () => {
    const view = requestView(
      'GET',
      'http://Shop.Example.com:8080/cart?item=1',
      ['Host', 'ignored.example.com'],
      '127.0.0.1',
    );
    expect([view.host, view.path, view.query]).to.deep.equal(['shop.example.com', '/cart', 'item=1']);
  });
});

describe('header globs', () => {
  it('match like a case-insensitive regular expression of * and ?', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*?A]{0,6}$/), fc.stringMatching(/^[abAB]{0,8}$/), (pattern, value) => {
        const expected = new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'is').test(value);
        expect(compileGlob(pattern)(value)).to.equal(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
