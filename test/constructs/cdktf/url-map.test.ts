/**
 * Url maps in a CDKTF stack: `albkit_url_map` with the rules in snake_case nested attributes, the backend
 * services its rules name as Terraform references, and the listener's `url_map` a reference to it, so
 * Terraform's graph creates backend services, then the url map, then the listener.
 */
import { expect } from 'chai';
import type { Construct } from 'constructs';
import { Testing } from 'cdktf';
import { ListenerAction, ListenerCondition, LoadBalancer } from '../../../constructs/cdktf';

type Synthesized = { resource: Record<string, Record<string, Record<string, unknown>>> };

function routed(stack: Construct): void {
  const lb = new LoadBalancer(stack, 'shop', {
    zones: ['local-a'],
    vpc: { cidr: '127.0.0.0/8' },
    subnet: { cidr: '127.0.0.0/24' },
  });
  const servers = lb.addServerGroup('servers', { servers: [{ name: 'a', address: '127.0.0.1', port: 9001 }] });
  const stable = lb.addBackendService('stable', { protocol: 'HTTP', port: 9001, serverGroups: [servers] });
  const canary = lb.addBackendService('canary', { protocol: 'HTTP', port: 9002, serverGroups: [servers] });
  const http = lb.addListener('http', { protocol: 'HTTP', port: 8080, backendService: stable });
  http
    .addRule({
      priority: 10,
      conditions: [ListenerCondition.hostHeaders(['api.example.com'])],
      action: ListenerAction.forward(canary),
    })
    .addRule({
      priority: 20,
      conditions: [ListenerCondition.pathPatterns(['/shop/*'])],
      action: ListenerAction.weightedForward([
        { backendService: stable, weight: 90 },
        { backendService: canary, weight: 10 },
      ]),
    });
}

/** The one resource of `type` whose resource_id is `id`, with its Terraform name. */
function resource(out: Synthesized, type: string, id: string): { name: string; config: Record<string, unknown> } {
  const found = Object.entries(out.resource[type] ?? {}).find(([, config]) => config.resource_id === id);
  if (!found) throw new Error(`no ${type} ${id}`);
  return { name: found[0], config: found[1] };
}

describe('CDKTF url maps', () => {
  it('synthesizes albkit_url_map with references to its backend services, named by the listener', () => {
    const out = JSON.parse(Testing.synthScope(routed)) as Synthesized;
    const stable = resource(out, 'albkit_backend_service', 'stack/shop/stable').name;
    const canary = resource(out, 'albkit_backend_service', 'stack/shop/canary').name;
    const routes = resource(out, 'albkit_url_map', 'stack/shop/http/rules');
    const rules = routes.config.rules as Record<string, unknown>[];
    expect(rules[0]).to.deep.include({
      priority: 10,
      conditions: { hosts: ['api.example.com'] },
      action: { forward: { backend_service: `\${albkit_backend_service.${canary}.id}` } },
    });
    expect(rules[1]?.action).to.deep.equal({
      weighted_forward: {
        targets: [
          { backend_service: `\${albkit_backend_service.${stable}.id}`, weight: 90 },
          { backend_service: `\${albkit_backend_service.${canary}.id}`, weight: 10 },
        ],
      },
    });
    expect(routes.config.depends_on).to.include.members([
      `albkit_backend_service.${stable}`,
      `albkit_backend_service.${canary}`,
    ]);
    const listener = resource(out, 'albkit_listener', 'stack/shop/http').config;
    expect(listener.url_map).to.equal(`\${albkit_url_map.${routes.name}.id}`);
    expect(listener.depends_on).to.include(`albkit_url_map.${routes.name}`);
  });
});
