import { Construct, type IConstruct } from 'constructs';
import type { Kind, RawResource } from '../../lib';

const RESOURCE = Symbol.for('albkit.AlbResource');

/**
 * The base of every albkit construct: one resource of the manifest. Its id is its construct path; its spec is
 * rendered lazily at synth, so later calls (`addServer`, `configureHealthCheck`) still apply.
 */
export abstract class AlbResource extends Construct {
  /** True when `x` is an albkit resource construct (works across copies of the library). */
  static isAlbResource(x: unknown): x is AlbResource {
    return typeof x === 'object' && x !== null && RESOURCE in x;
  }

  /** The component kind this construct synthesizes. */
  abstract readonly kind: Kind;

  /**
   * Nothing is checked here: a construct path that is no resource id, props wrong on their own and rules across
   * resources are all reported at synth, together, each with its construct path and field.
   */
  constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, RESOURCE, { value: true });
  }

  /** The resource id: the construct path, such as `web/http`. */
  get resourceId(): string {
    return this.node.path;
  }

  /** The spec as the model's schema takes it (input form: defaults not yet applied). */
  protected abstract renderSpec(): Record<string, unknown>;

  /**
   * The resource as the manifest takes it, with the explicit edges added by `node.addDependency`: as in
   * aws-cdk, a dependency of this construct or of any scope above it (a plain `Construct` grouping resources,
   * a load balancer for its listeners) is a dependency on every albkit resource at or below its target.
   */
  toRawResource(): RawResource {
    const targets = this.node.scopes.flatMap((scope) => scope.node.dependencies);
    const dependsOn = targets.flatMap(resourcesWithin).map((resource) => resource.resourceId);
    return { id: this.resourceId, kind: this.kind, dependsOn: [...new Set(dependsOn)].sort(), spec: this.renderSpec() };
  }
}

/** The albkit resources at or below `scope`, in construct-tree order. */
export function resourcesWithin(scope: IConstruct): AlbResource[] {
  return scope.node.findAll().filter(AlbResource.isAlbResource);
}

/** Drops keys whose value is undefined, so the manifest carries no nulls for unset props. */
export function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
