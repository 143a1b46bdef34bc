/** The refusal of a deploy or destroy whose app names resources its stack does not own. */
import { AlbkitError } from '../../lib';
import type { LiveResource } from '../contract/live-plan';
import { ownershipMessage } from '../contract/stack';

/** A deploy or destroy refused because the app names resources its stack does not own; nothing was changed. */
export class OwnershipError extends AlbkitError {
  readonly code = 'ALBKIT_OWNERSHIP';
  constructor(
    readonly stackName: string,
    readonly foreign: readonly LiveResource[],
  ) {
    super(ownershipMessage(stackName, foreign, '--adopt'));
    this.name = 'OwnershipError';
  }
}
