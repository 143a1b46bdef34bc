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
  private readonly byId = new Map<string, Resource>();
  /** The resources of each kind, in the order given: built in the one pass, as a rule asks for a kind per check. */
  private readonly byKind = new Map<Kind, Resource[]>();
  constructor(resources: Iterable<Resource>) {
    for (const resource of resources) this.byId.set(resource.id, resource);
    for (const resource of this.byId.values()) {
      const list = this.byKind.get(resource.kind);
      if (list) list.push(resource);
      else this.byKind.set(resource.kind, [resource]);
    }
  }
  /** True when a resource has this id. */
  has(id: string): boolean {
    return this.byId.has(id);
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
    return [...(this.byKind.get(kind) ?? [])] as unknown as ResourceOf<K>[];
  }
  /** Every resource, in the order given. */
  all(): Resource[] {
    return [...this.byId.values()];
  }
}
