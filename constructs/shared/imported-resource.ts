import { Construct, type IConstruct } from 'constructs';
import type { ExternalResource, Kind } from '../../lib';
import type { IAlbResource } from './alb-resource';

const IMPORTED = Symbol.for('albkit.ImportedResource');

/**
 * A reference to a resource made elsewhere (another stack, another face), as `X.fromResourceId` returns it: it
 * synthesizes no resource, the manifest lists it under `external`, and the agent checks at deploy that it
 * exists. Rules that need its spec (a load balancer's VPC for its servers' addresses, a backend service's
 * protocol for its listeners) are skipped for it.
 */
export class ImportedResource<K extends Kind> extends Construct implements IAlbResource {
  /** True when `x` is an imported reference (works across copies of the library). */
  static isImportedResource(x: unknown): x is ImportedResource<Kind> {
    return typeof x === 'object' && x !== null && IMPORTED in x;
  }

  /**
   * @param kind - the kind of the resource referred to
   * @param resourceId - its id on the agent
   */
  constructor(
    scope: Construct,
    id: string,
    readonly kind: K,
    readonly resourceId: string,
  ) {
    super(scope, id);
    Object.defineProperty(this, IMPORTED, { value: true });
  }
}

/** The resources imported at or below `scope`, as the manifest lists them. */
export function externalsWithin(scope: IConstruct): ExternalResource[] {
  return scope.node
    .findAll()
    .filter((construct) => ImportedResource.isImportedResource(construct))
    .map(({ resourceId, kind }) => ({ id: resourceId, kind }));
}
