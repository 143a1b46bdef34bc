/** A deploy or destroy that could not start its plan: an adoption refused, deletions of an earlier run not done in time. */
import { AlbkitError } from '../../lib';

/** A deploy or destroy stopped before its steps ran; nothing of its plan was changed. */
export class DeployError extends AlbkitError {
  readonly code = 'ALBKIT_DEPLOY';
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}
