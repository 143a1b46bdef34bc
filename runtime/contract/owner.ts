/** Who manages a resource on the agent: the name a PUT gives in `owner`, kept with the resource. */
import { z } from 'zod';

/**
 * An owner name: `deploy/<stack>` for `albkit deploy`, `terraform`, `pulumi`, or any name a client picks
 * (`ci:nightly`): 1–128 letters, digits and `. _ - : @ /`, starting with a letter or digit.
 */
export const Owner = z
  .string()
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/,
    'must be 1–128 letters, digits or . _ - : @ /, starting with a letter or digit',
  );
export type Owner = z.infer<typeof Owner>;
