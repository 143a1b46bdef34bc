import { expect } from 'chai';
import {
  App,
  Listener,
  ListenerAction,
  ListenerCondition,
  LoadBalancer,
  UrlMap,
  ValidationError,
  type ResourceOf,
} from '../../index';

/** An app with a load balancer, two HTTP backend services (`stable`, `canary`) and an HTTPS listener on 443. */
function routedApp() {
  const app = new App();
  const lb = new LoadBalancer(app, 'web', {
    zones: ['z1'],
    vpc: { cidr: '10.0.0.0/16' },
    subnet: { cidr: '10.0.1.0/24' },
  });
  const servers = lb.addServerGroup('servers', { servers: [{ address: '10.0.2.1', port: 8080 }] });
  const stable = lb.addBackendService('stable', { protocol: 'HTTP', port: 8080, serverGroups: [servers] });
  const canary = lb.addBackendService('canary', { protocol: 'HTTP', port: 8081, serverGroups: [servers] });
  const shadow = lb.addBackendService('shadow', { protocol: 'HTTP', port: 8082, serverGroups: [servers] });
  const https = lb.addListener('https', {
    protocol: 'HTTPS',
    port: 443,
    backendService: stable,
    certificate: {
      certPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      keyPem: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
    },
  });
  return { app, lb, stable, canary, shadow, https };
}

function resource<K extends 'UrlMap' | 'Listener'>(app: App, id: string, _kind: K): ResourceOf<K> {
  const found = app.synth().resources.find((r) => r.id === id);
  if (!found) throw new Error(`no ${id}`);
  return found as ResourceOf<K>;
}

describe('UrlMap construct', () => {
  it('renders each condition and action helper into the model, created after backend services, before the listener naming it', () => {
    const { app, lb, stable, canary, shadow } = routedApp();
    const routes = lb.addUrlMap('routes');
    routes
      .addRule({
        priority: 1,
        conditions: [ListenerCondition.hostHeaders(['api.example.com']), ListenerCondition.pathPatterns(['/v1/*'])],
        action: ListenerAction.forward(canary),
      })
      .addRule({
        priority: 2,
        conditions: [
          ListenerCondition.httpHeader('X-Beta', ['yes']),
          ListenerCondition.httpHeader('X-Team', ['a*']),
          ListenerCondition.httpRequestMethods(['GET']),
        ],
        action: ListenerAction.weightedForward(
          [
            { backendService: stable, weight: 90 },
            { backendService: canary, weight: 10 },
          ],
          { stickinessSeconds: 60 },
        ),
        preActions: { mirror: shadow, insertHeaders: [{ name: 'X-Route', value: 'beta' }] },
      })
      .addRule({
        priority: 3,
        conditions: [ListenerCondition.queryStrings([{ key: 'old', value: '1' }])],
        action: ListenerAction.redirect({ path: '/new', statusCode: 302 }),
      })
      .addRule({
        priority: 4,
        conditions: [ListenerCondition.sourceIps(['192.0.2.0/24'])],
        action: ListenerAction.fixedResponse(403, { body: 'no' }),
      });
    new Listener(lb, 'routed', {
      loadBalancer: lb,
      protocol: 'HTTP',
      port: 80,
      backendService: stable,
      urlMap: routes,
    });
    const manifest = app.synth();
    const kinds = manifest.resources.map((r) => r.kind);
    expect(kinds.indexOf('UrlMap')).to.be.greaterThan(kinds.lastIndexOf('BackendService'));
    const ids = manifest.resources.map((r) => r.id);
    expect(ids.indexOf('web/routes')).to.be.lessThan(ids.indexOf('web/routed'));
    const spec = (manifest.resources.find((r) => r.id === 'web/routes') as ResourceOf<'UrlMap'>).spec;
    expect(spec.loadBalancer).to.equal('web');
    expect(spec.rules.map((rule) => rule.conditions)).to.deep.equal([
      { hosts: ['api.example.com'], paths: ['/v1/*'] },
      {
        headers: [
          { name: 'X-Beta', values: ['yes'] },
          { name: 'X-Team', values: ['a*'] },
        ],
        methods: ['GET'],
      },
      { queries: [{ key: 'old', value: '1' }] },
      { sourceCidrs: ['192.0.2.0/24'] },
    ]);
    expect(spec.rules[1]?.action.weightedForward).to.deep.equal({
      targets: [
        { backendService: 'web/stable', weight: 90 },
        { backendService: 'web/canary', weight: 10 },
      ],
      stickinessSeconds: 60,
    });
    expect(spec.rules[1]?.preActions).to.deep.equal({
      mirror: { backendService: 'web/shadow' },
      insertHeaders: [{ name: 'X-Route', value: 'beta' }],
    });
    expect(spec.rules[2]?.action.redirect).to.deep.equal({ path: '/new', statusCode: 302 });
    expect(spec.rules[3]?.action.fixedResponse).to.deep.equal({
      statusCode: 403,
      contentType: 'text/plain',
      body: 'no',
    });
    const routed = manifest.resources.find((r) => r.id === 'web/routed') as ResourceOf<'Listener'>;
    expect(routed.spec.urlMap).to.equal('web/routes');
    expect(routed.dependsOn).to.include('web/routes');
  });

  it('gives a listener its own url map on the first addRule', () => {
    const { app, canary, https } = routedApp();
    https.addRule({
      priority: 10,
      conditions: [ListenerCondition.pathPatterns(['/beta/*'])],
      action: ListenerAction.forward(canary),
    });
    https.addRule({
      priority: 20,
      conditions: [ListenerCondition.pathPatterns(['/gamma/*'])],
      action: ListenerAction.forward(canary),
    });
    expect(https.urlMap?.resourceId).to.equal('web/https/rules');
    expect(resource(app, 'web/https', 'Listener').spec.urlMap).to.equal('web/https/rules');
    expect(resource(app, 'web/https/rules', 'UrlMap').spec.rules.map((rule) => rule.priority)).to.deep.equal([10, 20]);
  });

  it('redirects HTTP to HTTPS in one line', () => {
    const { app, lb } = routedApp();
    lb.addRedirect();
    const listener = resource(app, 'web/redirect-80', 'Listener');
    expect(listener.spec).to.include({
      protocol: 'HTTP',
      port: 80,
      backendService: 'web/stable',
      urlMap: 'web/redirect-80/rules',
    });
    expect(resource(app, 'web/redirect-80/rules', 'UrlMap').spec.rules).to.deep.equal([
      {
        priority: 1,
        conditions: { paths: ['/*'] },
        action: { redirect: { protocol: 'HTTPS', port: 443, statusCode: 301 } },
      },
    ]);
  });

  it('refuses addRedirect with no listener on the target port to take the backend service from', () => {
    const { lb } = routedApp();
    expect(() => lb.addRedirect({ targetPort: 8443 })).to.throw(
      /web: addRedirect: backendService: no listener on port 8443/,
    );
  });

  it('reports bad rules at synth with the construct path and field, all at once', () => {
    const { app, lb, stable } = routedApp();
    lb.addUrlMap('routes', {
      rules: [
        { priority: 5, conditions: [ListenerCondition.pathPatterns(['/a'])], action: ListenerAction.redirect({}) },
        {
          priority: 5,
          conditions: [ListenerCondition.pathPatterns(['/b']), ListenerCondition.pathPatterns(['/c'])],
          action: ListenerAction.forward(stable),
        },
      ],
    });
    let error: unknown;
    try {
      app.synth();
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ValidationError);
    const lines = (error as ValidationError).issues.map(
      (issue) => `${issue.path}: ${issue.field}${issue.field ? ': ' : ''}${issue.message}`,
    );
    expect(lines.some((line) => /^web\/routes: rules\[0\]\.action\.redirect: .*loop/.test(line))).to.equal(
      true,
      lines.join('\n'),
    );
    expect(lines.some((line) => line.startsWith('web/routes: rules[1].priority: 5 is already'))).to.equal(
      true,
      lines.join('\n'),
    );
    expect(lines.some((line) => /^web\/routes: rules\[1\]\.conditions\.paths: given twice/.test(line))).to.equal(
      true,
      lines.join('\n'),
    );
  });

  it('refers to a url map made elsewhere, which takes no rules from here', () => {
    const { app, https, canary } = routedApp();
    const shared = UrlMap.fromResourceId(app, 'shared', 'web/shared-routes');
    const listener = new Listener(app, 'alt', {
      loadBalancer: https.loadBalancer,
      protocol: 'HTTP',
      port: 8000,
      backendService: https.backendService,
      urlMap: shared,
    });
    expect(() =>
      listener.addRule({
        priority: 1,
        conditions: [ListenerCondition.pathPatterns(['/x'])],
        action: ListenerAction.forward(canary),
      }),
    ).to.throw(/is imported/);
    const manifest = app.synth();
    expect(manifest.external).to.deep.include({ id: 'web/shared-routes', kind: 'UrlMap' });
    expect((manifest.resources.find((r) => r.id === 'alt') as ResourceOf<'Listener'>).spec.urlMap).to.equal(
      'web/shared-routes',
    );
  });
});
