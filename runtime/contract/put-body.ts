/** What a client sends to create or update one resource: the body of `PUT /v1/<collection>/<id>`. */
import { z } from 'zod';
import { ResourceRef } from '../../lib';
import { Owner } from './owner';

/** The body of `PUT /v1/<collection>/<id>`. */
export const PutBody = z.strictObject({
  /** The kind's spec; validated with the kind's schema. */
  spec: z.unknown(),
  /** Extra dependencies beyond those the spec's references imply. @default [] */
  dependsOn: z.array(ResourceRef).max(1000).optional(),
  /**
   * Who manages the resource (`terraform`, `pulumi`, `deploy/<stack>`…); a deploy of a stack never changes
   * another owner's resources. @default on update the owner it has; on create none
   */
  owner: Owner.optional(),
});
export type PutBody = z.infer<typeof PutBody>;
