/** What the control API answers for a resource: `GET`, `PUT` and `DELETE /v1/<collection>/<id>`, and the lists. */
import type { Kind, Resource, ResourceStatus } from '../../lib';

/** A resource as the control API returns it. */
export interface Representation {
  id: string;
  kind: Kind;
  /** Who manages it; absent when unowned. */
  owner?: string;
  dependsOn: string[];
  /** The resolved spec; an inline private key (`keyPem`) as its fingerprint, `redacted:sha256:<hex>`. */
  spec: Resource['spec'];
  status: ResourceStatus;
  generation: number;
  /** The version of the resource (generation and owner), for `If-Match` on a later PUT or DELETE. */
  etag: string;
}

/** What `GET /v1/<collection>` answers: every resource of the kind, in creation order. */
export interface RepresentationList {
  items: Representation[];
}
