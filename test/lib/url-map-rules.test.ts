import { expect } from 'chai';
import { validateChange, validateResources, type RawResource } from '../../lib';
import { baseResources, PEM_CERTIFICATE, withSpec, withTcp } from '../fixtures/resources';
import { expectIssue, expectValid, issuesOf } from './expect-issues';

/** A second HTTP backend service on the base load balancer. */
const canary: RawResource = {
  id: 'web/canary',
  kind: 'BackendService',
  spec: { loadBalancer: 'web', protocol: 'HTTP', port: 8080, serverGroups: ['web/servers'] },
};

/** The base resources, a canary backend service, and a url map with `rules` that the HTTP listener names. */
function withRules(rules: unknown[], extra: RawResource[] = []): RawResource[] {
  return [
    ...withSpec(baseResources(), 'web/http', { urlMap: 'web/routes' }),
    canary,
    ...extra,
    { id: 'web/routes', kind: 'UrlMap', spec: { loadBalancer: 'web', rules } },
  ];
}

const forward = (backendService: string) => ({ forward: { backendService } });

describe('url map rules', () => {
  it('accepts host, path, redirect, fixed response and weighted rules', () => {
    expectValid(
      withRules([
        { priority: 1, conditions: { hosts: ['api.example.com'] }, action: forward('web/backend') },
        {
          priority: 2,
          conditions: { paths: ['/static/*'] },
          action: forward('web/canary'),
          preActions: { mirror: { backendService: 'web/backend' } },
        },
        { priority: 3, conditions: { paths: ['/old'] }, action: { redirect: { path: '/new' } } },
        { priority: 4, conditions: { methods: ['DELETE'] }, action: { fixedResponse: { statusCode: 403 } } },
        {
          priority: 5,
          conditions: { paths: ['/*'] },
          action: {
            weightedForward: {
              targets: [
                { backendService: 'web/backend', weight: 90 },
                { backendService: 'web/canary', weight: 10 },
              ],
            },
          },
        },
      ]),
    );
  });

  it('refuses a backend service of another load balancer, naming the rule field', () => {
    const other: RawResource[] = [
      {
        id: 'other',
        kind: 'LoadBalancer',
        spec: {
          name: 'other',
          zones: ['z1'],
          vpc: { cidr: '10.0.0.0/16' },
          subnet: { cidr: '10.0.9.0/24' },
          securityGroups: ['open'],
        },
      },
      {
        id: 'other/servers',
        kind: 'ServerGroup',
        spec: { loadBalancer: 'other', servers: [{ address: '10.0.2.1', port: 80 }] },
      },
      {
        id: 'other/backend',
        kind: 'BackendService',
        spec: { loadBalancer: 'other', protocol: 'HTTP', port: 80, serverGroups: ['other/servers'] },
      },
    ];
    const rules = [
      {
        priority: 1,
        conditions: { paths: ['/a'] },
        action: {
          weightedForward: {
            targets: [
              { backendService: 'web/backend', weight: 1 },
              { backendService: 'other/backend', weight: 1 },
            ],
          },
        },
      },
    ];
    expectIssue(
      withRules(rules, other),
      'web/routes',
      'rules[0].action.weightedForward.targets[1].backendService',
      /other\/backend belongs to load balancer other, not web/,
    );
  });

  it('refuses a TCP backend service, in a forward and in a mirror', () => {
    const resources = withRules(
      [
        {
          priority: 1,
          conditions: { paths: ['/a'] },
          action: forward('web/tcp-backend'),
          preActions: { mirror: { backendService: 'web/tcp-backend' } },
        },
      ],
      withTcp([]),
    );
    expectIssue(
      resources,
      'web/routes',
      'rules[0].action.forward.backendService',
      /needs an HTTP backend service; web\/tcp-backend is TCP/,
    );
    expectIssue(resources, 'web/routes', 'rules[0].preActions.mirror.backendService', /needs an HTTP backend service/);
  });

  it('refuses a backend service that does not exist', () => {
    expectIssue(
      withRules([{ priority: 1, conditions: { paths: ['/a'] }, action: forward('web/nope') }]),
      'web/routes',
      'rules[0].action.forward.backendService',
      /BackendService "web\/nope", which does not exist/,
    );
  });

  it('refuses a priority used twice, naming the later rule', () => {
    const rules = [
      { priority: 7, conditions: { paths: ['/a'] }, action: forward('web/backend') },
      { priority: 7, conditions: { paths: ['/b'] }, action: forward('web/backend') },
    ];
    expectIssue(withRules(rules), 'web/routes', 'rules[1].priority', /^7 is already the priority of rules\[0\]$/);
  });

  it('refuses weights summing to 0 and a backend service named twice', () => {
    const zero = [
      {
        priority: 1,
        conditions: { paths: ['/a'] },
        action: {
          weightedForward: {
            targets: [
              { backendService: 'web/backend', weight: 0 },
              { backendService: 'web/canary', weight: 0 },
            ],
          },
        },
      },
    ];
    expectIssue(withRules(zero), 'web/routes', 'rules[0].action.weightedForward.targets', /sum to 0/);
    const twice = [
      {
        priority: 1,
        conditions: { paths: ['/a'] },
        action: {
          weightedForward: {
            targets: [
              { backendService: 'web/backend', weight: 1 },
              { backendService: 'web/backend', weight: 2 },
            ],
          },
        },
      },
    ];
    expectIssue(
      withRules(twice),
      'web/routes',
      'rules[0].action.weightedForward.targets[1].backendService',
      /already targets\[0\]/,
    );
  });

  it('refuses pre- and post-actions on a redirect or fixed response', () => {
    const rules = [
      {
        priority: 1,
        conditions: { paths: ['/a'] },
        action: { fixedResponse: { statusCode: 200 } },
        postActions: { deleteHeaders: ['server'] },
      },
      {
        priority: 2,
        conditions: { paths: ['/b'] },
        action: { redirect: { path: '/c' } },
        preActions: { deleteHeaders: ['cookie'] },
      },
    ];
    expectIssue(withRules(rules), 'web/routes', 'rules[0].postActions', /forward or weightedForward action only/);
    expectIssue(withRules(rules), 'web/routes', 'rules[1].preActions', /forward or weightedForward action only/);
  });

  it('refuses a mirror to a backend service the rule forwards to, and contradictory header edits', () => {
    const rules = [
      {
        priority: 1,
        conditions: { paths: ['/a'] },
        action: forward('web/backend'),
        preActions: {
          mirror: { backendService: 'web/backend' },
          insertHeaders: [
            { name: 'X-A', value: '1' },
            { name: 'x-a', value: '2' },
          ],
          deleteHeaders: ['X-A'],
        },
      },
    ];
    expectIssue(
      withRules(rules),
      'web/routes',
      'rules[0].preActions.mirror.backendService',
      /mirror to another backend service/,
    );
    expectIssue(withRules(rules), 'web/routes', 'rules[0].preActions.insertHeaders[1].name', /inserted twice/);
    expectIssue(withRules(rules), 'web/routes', 'rules[0].preActions.deleteHeaders[0]', /also inserted/);
  });

  it('refuses a redirect that changes nothing, saying it loops', () => {
    expectIssue(
      withRules([{ priority: 1, conditions: { paths: ['/a'] }, action: { redirect: {} } }]),
      'web/routes',
      'rules[0].action.redirect',
      /loop/,
    );
    const placeholders = { redirect: { statusCode: 302, host: '#{host}', path: '#{path}', query: '#{query}' } };
    expectIssue(
      withRules([{ priority: 1, conditions: { paths: ['/a'] }, action: placeholders }]),
      'web/routes',
      'rules[0].action.redirect',
      /loop/,
    );
  });

  it('refuses a redirect to the listener itself, and takes HTTP → HTTPS', () => {
    const toHttp80 = [
      { priority: 1, conditions: { paths: ['/*'] }, action: { redirect: { protocol: 'HTTP', port: 80 } } },
    ];
    expectIssue(withRules(toHttp80), 'web/http', 'urlMap', /redirects to HTTP port 80, this listener itself.*loop/);
    expectValid(
      withRules([
        { priority: 1, conditions: { paths: ['/*'] }, action: { redirect: { protocol: 'HTTPS', port: 443 } } },
      ]),
    );
    const https = withSpec(
      withRules([{ priority: 1, conditions: { paths: ['/*'] }, action: { redirect: { protocol: 'HTTPS' } } }]),
      'web/http',
      { protocol: 'HTTPS', port: 443, certificate: PEM_CERTIFICATE },
    );
    expectIssue(https, 'web/http', 'urlMap', /redirects to HTTPS port 443, this listener itself/);
  });

  it('refuses a url map on a TCP listener and one of another load balancer', () => {
    const tcp = withSpec(withTcp(withRules([])), 'web/tcp', { urlMap: 'web/routes' });
    expectIssue(
      tcp,
      'web/tcp',
      'urlMap',
      /^a TCP listener routes no requests: only HTTP and HTTPS listeners take a url map$/,
    );
    const foreign: RawResource[] = [
      {
        id: 'other',
        kind: 'LoadBalancer',
        spec: {
          name: 'other',
          zones: ['z1'],
          vpc: { cidr: '10.0.0.0/16' },
          subnet: { cidr: '10.0.9.0/24' },
          securityGroups: ['open'],
        },
      },
      { id: 'other/routes', kind: 'UrlMap', spec: { loadBalancer: 'other' } },
    ];
    expectIssue(
      withSpec(withRules([], foreign), 'web/http', { urlMap: 'other/routes' }),
      'web/http',
      'urlMap',
      /url map other\/routes belongs to load balancer other, not web/,
    );
  });

  it('reports every issue at once', () => {
    const rules = [
      { priority: 1, conditions: { paths: ['/a'] }, action: { redirect: {} } },
      { priority: 1, conditions: { paths: ['/b'] }, action: forward('web/nope') },
    ];
    const fields = issuesOf(withRules(rules)).map((issue) => `${issue.path}: ${issue.field}`);
    expect(fields).to.include.members([
      'web/routes: rules[0].action.redirect',
      'web/routes: rules[1].priority',
      'web/routes: rules[1].action.forward.backendService',
    ]);
  });

  it('checks a change to a backend service against the url maps that name it', () => {
    const current = validateResources(
      withRules([{ priority: 1, conditions: { paths: ['/a'] }, action: forward('web/canary') }]),
    );
    const change = { ...canary, spec: { ...(canary.spec as object), protocol: 'TCP' } };
    expect(() => validateChange(current, change)).to.throw(
      /web\/routes: rules\[0\]\.action\.forward\.backendService: .*needs an HTTP backend service/,
    );
  });
});
