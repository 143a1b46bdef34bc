/**
 * The base of every albkit Pulumi resource: a `pulumi.dynamic.Resource` of type `albkit:<Kind>` whose spec is
 * validated in the program with the shared model before the engine calls the provider (at construction when the
 * values are known).
 */
import * as pulumi from '@pulumi/pulumi';
import type { z } from 'zod';
import { ValidationError } from '../../lib/errors';
import { KINDS, type Kind } from '../../lib/model/kinds';
import { albkitProvider } from './provider';
import type { ArgsOf, OutputsOf } from './types';
import { checked, idIssues, validateSpec } from './validate';

/** One provider per kind, shared by every resource of that kind (Pulumi caches its serialized text). */
const providers = new Map<Kind, pulumi.dynamic.ResourceProvider>();

function providerOf(kind: Kind): pulumi.dynamic.ResourceProvider {
  let provider = providers.get(kind);
  if (!provider) {
    const { collection, replaceOnChange } = KINDS[kind];
    provider = albkitProvider({ kind, collection, replaceOnChange });
    providers.set(kind, provider);
  }
  return provider;
}

/** The top-level spec fields of a kind, from its schema. */
function specFields(kind: Kind): string[] {
  return Object.keys((KINDS[kind].schema as unknown as z.ZodObject).shape);
}

/** Ids on the agent of the albkit resources in `dependsOn`, forwarded as explicit edges. */
function explicitEdges(dependsOn: pulumi.CustomResourceOptions['dependsOn']): pulumi.Input<string>[] {
  if (dependsOn === undefined || pulumi.Output.isInstance(dependsOn) || dependsOn instanceof Promise) return [];
  const list = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  return list
    .filter((item): item is AlbResource<Kind> => item instanceof AlbResource)
    .map((resource) => resource.resourceId);
}

/**
 * An albkit component on the agent, managed by Pulumi. Parent references are inputs (`loadBalancer: lb.id`),
 * so Pulumi creates in dependency order and deletes in reverse; albkit resources listed in `opts.dependsOn`
 * also become explicit edges on the agent. Create and update wait until the agent reports ACTIVE; delete
 * waits until the agent has removed the resource.
 */
export abstract class AlbResource<K extends Kind> extends pulumi.dynamic.Resource {
  /** The resource's id on the agent (the same as the Pulumi `id`). */
  declare readonly resourceId: pulumi.Output<string>;

  protected constructor(kind: K, name: string, args: ArgsOf<K>, opts: pulumi.CustomResourceOptions = {}) {
    const id = args.resourceId ?? name;
    const issues = idIssues(id);
    if (issues.length > 0) throw new ValidationError(issues);
    const { endpoint, token, timeoutSeconds, resourceId: _, ...raw } = args;
    const spec = checked(raw, (values) => validateSpec(kind, id, values));
    const props: pulumi.Inputs = {
      resourceId: id,
      endpoint,
      token: pulumi.secret(token),
      timeoutSeconds,
      dependsOn: explicitEdges(opts.dependsOn),
      status: undefined,
      generation: undefined,
      resolved: undefined,
    };
    // Each field parsed (defaults applied), and secret only when the user's value for it was.
    const parsed = pulumi.unsecret(spec) as pulumi.Output<Record<string, unknown>>;
    const given = raw as Record<string, unknown>;
    for (const field of specFields(kind))
      props[field] = pulumi.all([given[field], parsed]).apply(([, values]) => values[field]);
    super(
      providerOf(kind),
      name,
      props,
      { ...opts, additionalSecretOutputs: ['token', ...(opts.additionalSecretOutputs ?? [])] },
      'albkit',
      kind,
    );
  }
}

/** The constructor of a kind's resource class, with its outputs typed from the model. */
export type AlbResourceClass<K extends Kind> = new (
  name: string,
  args: ArgsOf<K>,
  opts?: pulumi.CustomResourceOptions,
) => AlbResource<K> & OutputsOf<K>;

/** The resource class of one kind: extend it to name it (`class Listener extends kindResource('Listener') {}`). */
export function kindResource<K extends Kind>(kind: K): AlbResourceClass<K> {
  class KindResource extends AlbResource<K> {
    constructor(name: string, args: ArgsOf<K>, opts?: pulumi.CustomResourceOptions) {
      super(kind, name, args, opts);
    }
  }
  return KindResource as unknown as AlbResourceClass<K>;
}
