import { AlbkitError } from '../lib/errors';

/** The CLI's exit codes. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** Invalid input or a failed operation; the errors are on stderr. */
  invalid: 1,
  /** Wrong usage: unknown verb or option, missing argument. */
  usage: 2,
} as const;

/** Wrong usage found after parsing (a bad option value): exit code 2, the message on stderr. */
export class UsageError extends AlbkitError {
  readonly code = 'ALBKIT_USAGE';
}
