/**
 * How albkit's L2 constructs become Terraform resources inside a `TerraformStack`: at synth, one aspect per
 * stack validates the stack's albkit resources together (as `App.synth` does) and gives each an L1 child
 * (`<path>/Resource`) whose `resource_id` is the construct path, whose references to other resources are
 * Terraform references to their `id`, and whose `depends_on` lists every edge of the manifest. Terraform's
 * graph then creates and destroys in the ALB's order, and a replaced resource replaces what refers to it.
 */
import { Aspects, dependable, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { buildManifest, referencesOf, type Kind } from '../../lib';
import { AlbResource, resourcesWithin } from '../shared/alb-resource';
import { externalsWithin } from '../shared/imported-resource';
import { AlbkitProvider } from './gen/providers/albkit/provider';
import { L1_CLASSES, type L1Resource } from './l1';

/** The construct id of the L1 resource under each albkit construct. */
export const L1_ID = 'Resource';

const BOUND = Symbol.for('albkit.cdktf.binding');

/** `rules[0].action.forward.backendService` → `['rules', 0, 'action', 'forward', 'backendService']`. */
function fieldPath(field: string): (string | number)[] {
  if (!/^[A-Za-z]+(\[\d+\])?(\.[A-Za-z]+(\[\d+\])?)*$/.test(field))
    throw new Error(`unexpected reference field ${field}`);
  return [...field.matchAll(/([A-Za-z]+)|\[(\d+)\]/g)].map((match) =>
    match[1] === undefined ? Number(match[2]) : match[1],
  );
}

/** A copy of `spec` whose reference fields hold the referenced L1 resources' `id` (a Terraform reference). */
function withReferences(
  kind: Kind,
  spec: Record<string, unknown>,
  l1Of: (id: string) => L1Resource | undefined,
): Record<string, unknown> {
  const out = structuredClone(spec);
  for (const { field, id } of referencesOf(kind, spec)) {
    const target = l1Of(id);
    if (!target) continue;
    const path = fieldPath(field);
    const last = path.pop()!;
    const parent = path.reduce<Record<string | number, unknown>>(
      (node, key) => node[key] as Record<string | number, unknown>,
      out,
    );
    parent[last] = target.id;
  }
  return out;
}

/** The stack's albkit resources as L1 resources, made once. */
class TerraformBinding implements IAspect {
  constructor(private readonly stack: TerraformStack) {}

  visit(node: IConstruct): void {
    if (node !== this.stack) return;
    const local = new Map(resourcesWithin(this.stack).map((resource) => [resource.resourceId, resource]));
    if ([...local.values()].every((resource) => resource.node.tryFindChild(L1_ID))) return;
    // The whole app is validated together, so a stack may refer to resources another stack holds.
    const { root } = this.stack.node;
    const manifest = buildManifest(
      resourcesWithin(root).map((resource) => resource.toRawResource()),
      externalsWithin(root),
    );
    const provider =
      this.stack.node.findAll().find((c): c is AlbkitProvider => c instanceof AlbkitProvider) ??
      new AlbkitProvider(this.stack, 'albkit', {});
    // References within the stack become Terraform references; to other stacks and imported resources they stay
    // literal ids.
    const l1Of = (id: string): L1Resource | undefined => terraformResourceOf(local.get(id));
    // Creation order: every resource's dependencies have their L1 before it refers to them.
    for (const { id, kind, dependsOn } of manifest.resources) {
      const resource = local.get(id);
      if (!resource || terraformResourceOf(resource)) continue;
      const { spec } = resource.toRawResource();
      const config = { ...withReferences(kind, spec as Record<string, unknown>, l1Of), resourceId: id, provider };
      const l1 = new L1_CLASSES[kind](resource, L1_ID, config as never);
      const targets = dependsOn.map(l1Of).filter((target): target is L1Resource => target !== undefined);
      if (targets.length > 0) l1.dependsOn = targets.map((target) => dependable(target));
    }
  }
}

/** The L1 resource an albkit construct synthesized to (after synth), for escape hatches such as `lifecycle`. */
export function terraformResourceOf(resource: AlbResource | undefined): L1Resource | undefined {
  return resource?.node.tryFindChild(L1_ID) as L1Resource | undefined;
}

/** Makes `resource`'s stack synthesize its albkit resources as Terraform resources (once per stack). */
export function bindToTerraform(resource: AlbResource): void {
  const stack = TerraformStack.of(resource);
  if ((stack as unknown as Record<symbol, unknown>)[BOUND]) return;
  Object.defineProperty(stack, BOUND, { value: true });
  Aspects.of(stack).add(new TerraformBinding(stack));
}
