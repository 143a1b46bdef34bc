/** The CLI's exit codes. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** Invalid input or a failed operation; the errors are on stderr. */
  invalid: 1,
  /** Wrong usage: unknown verb or option, missing argument. */
  usage: 2,
} as const;
