/** A resource as it appears in a manifest: id (the construct path), kind, explicit edges and spec. */
import type { Kind, SpecOf } from './model/kinds';

/** A validated, resolved resource of kind `K`. */
export interface ResourceOf<K extends Kind> {
  /** The resource id: its construct path, such as `web/http`. */
  id: string;
  /** Its kind. */
  kind: K;
  /** Every resource this one depends on: implied by references, plus any added explicitly. Sorted. */
  dependsOn: string[];
  /** Its spec: parsed, defaults applied, derived defaults resolved. */
  spec: SpecOf[K];
}

/** A resource of any kind; `kind` discriminates the spec's type. */
export type Resource = { [K in Kind]: ResourceOf<K> }[Kind];

/** The resources indexed by id, with a typed getter for a kind. */
export class ResourceIndex {
  private readonly byId: Map<string, Resource>;
  constructor(resources: Iterable<Resource>) {
    this.byId = new Map([...resources].map((resource) => [resource.id, resource]));
  }
  /** The resource with this id, of any kind. */
  get(id: string): Resource | undefined {
    return this.byId.get(id);
  }
  /** The resource with this id if it is of `kind`. */
  getOf<K extends Kind>(kind: K, id: string | undefined): ResourceOf<K> | undefined {
    const resource = id === undefined ? undefined : this.byId.get(id);
    return resource?.kind === kind ? (resource as ResourceOf<K>) : undefined;
  }
  /** Every resource of `kind`. */
  ofKind<K extends Kind>(kind: K): ResourceOf<K>[] {
    return [...this.byId.values()].filter((resource) => resource.kind === kind) as unknown as ResourceOf<K>[];
  }
  /** Every resource, in the order given. */
  all(): Resource[] {
    return [...this.byId.values()];
  }
}
