import { Construct, type IConstruct, type IValidation } from 'constructs';
import { checkResources, formatIssue, type Issue, type Kind, type RawResource, type ResourceCheck } from '../../lib';
import { externalsWithin } from './imported-resource';

const RESOURCE = Symbol.for('albkit.AlbResource');

/**
 * What a reference to an albkit resource needs: its id and kind. Constructs and imported references
 * (`X.fromResourceId`) both are one, so either can be passed wherever the kind is expected.
 */
export interface IAlbResource extends IConstruct {
  /** The resource id on the agent: the construct path of a construct, the given id of an imported reference. */
  readonly resourceId: string;
  /** The component kind. */
  readonly kind: Kind;
}

/**
 * The base of every albkit construct: one resource of the manifest. Its id is its construct path; its spec is
 * rendered lazily at synth, so later calls (`addServer`, `configureHealthCheck`) still apply.
 */
export abstract class AlbResource extends Construct implements IAlbResource {
  /** True when `x` is an albkit resource construct (works across copies of the library). */
  static isAlbResource(x: unknown): x is AlbResource {
    return typeof x === 'object' && x !== null && RESOURCE in x;
  }

  /** The component kind this construct synthesizes. */
  abstract readonly kind: Kind;

  /**
   * Nothing is checked here: a construct path that is no resource id, props wrong on their own and rules across
   * resources are all reported at synth, together, each with its construct path and field: the model's issues
   * about this resource are its `node.addValidation` entry, so `node.validate()` returns them.
   */
  constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, RESOURCE, { value: true });
    this.node.addValidation(new ResourceRules(this));
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

/** The check of each tree under way in `App.synth`, so every resource's validation reads the one result. */
const CHECKS_UNDER_WAY = new WeakMap<IConstruct, ResourceCheck>();

/** The model's check of every resource at or below `root`, with the references it imports. */
export function checkTree(root: IConstruct): ResourceCheck {
  const raw = resourcesWithin(root).map((resource) => resource.toRawResource());
  return checkResources(raw, externalsWithin(root));
}

/** Runs `validate` while `check` is the check of `root`'s tree, so the resources' validations do not repeat it. */
export function whileChecked<T>(root: IConstruct, check: ResourceCheck, validate: () => T): T {
  CHECKS_UNDER_WAY.set(root, check);
  try {
    return validate();
  } finally {
    CHECKS_UNDER_WAY.delete(root);
  }
}

/** The model's issues about `resource`: its own fields and the rules across resources that report on it. */
export function issuesAbout(resource: AlbResource): Issue[] {
  const { root } = resource.node;
  const check = CHECKS_UNDER_WAY.get(root) ?? checkTree(root);
  return check.issues.filter((issue) => issue.path === resource.resourceId);
}

/** A resource's `node.addValidation` entry: the model's issues about it, each as `<field>: <message>`. */
class ResourceRules implements IValidation {
  constructor(private readonly resource: AlbResource) {}
  validate(): string[] {
    return issuesAbout(this.resource).map((issue) => formatIssue({ ...issue, path: '' }));
  }
}

/** The albkit resources at or below `scope`, in construct-tree order. */
export function resourcesWithin(scope: IConstruct): AlbResource[] {
  return scope.node.findAll().filter((construct) => AlbResource.isAlbResource(construct));
}

/** Drops keys whose value is undefined, so the manifest carries no nulls for unset props. */
export function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
