/**
 * The resources one provider process has planned so far, by `resource_id`: during one `terraform plan` (or
 * the plan inside `terraform apply`) Terraform plans every resource of the configuration in this process, so
 * the later of two resources can be checked against the earlier one's planned values, for the model's rules
 * across resources and for two resources claiming the same `resource_id`.
 */
import type { Kind } from '../../lib/model/kinds';
import { UNKNOWN, type CtyValue } from './cty';
import type { AttributeSchema } from './schema';

/** A resource as planned: its type, its spec (unknowns kept) and its planned values as a key. */
export interface PlannedResource {
  typeName: string;
  kind: Kind;
  id: string;
  attributes: readonly AttributeSchema[];
  /** The spec with the model's defaults filled in; unknown values are `UNKNOWN`. */
  spec: Record<string, unknown>;
  /** The configuration's values as text: the same resource planned again has the same key. */
  key: string;
}

/** A configuration value as a stable text, with unknowns marked. */
export function configKey(config: Record<string, CtyValue>): string {
  return JSON.stringify(config, (_key, value: unknown) => (value === UNKNOWN ? '(unknown)' : value));
}

/** The planned resources of one provider process. */
export class PlannedResources {
  private readonly byId = new Map<string, PlannedResource>();

  /**
   * The resource planned earlier with the same id that is another resource: of another type, or with other
   * values (the same resource planned again, as the apply does, is no clash).
   */
  clashWith(candidate: Pick<PlannedResource, 'typeName' | 'id' | 'key'>): PlannedResource | undefined {
    const earlier = this.byId.get(candidate.id);
    if (earlier === undefined) return undefined;
    return earlier.typeName !== candidate.typeName || earlier.key !== candidate.key ? earlier : undefined;
  }

  /** Records (or re-records) a planned resource. */
  record(resource: PlannedResource): void {
    this.byId.set(resource.id, resource);
  }

  /** Forgets a resource (planned for deletion, or deleted). */
  forget(id: string): void {
    this.byId.delete(id);
  }

  /** Every planned resource but `id`. */
  othersThan(id: string): PlannedResource[] {
    return [...this.byId.values()].filter((resource) => resource.id !== id);
  }
}
