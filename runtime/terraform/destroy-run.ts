/**
 * Whether the Terraform command that started this provider destroys: `terraform destroy`, `terraform apply
 * -destroy` or `terraform plan -destroy`. Terraform does not tell a provider, yet before a destroy it plans
 * every resource of the configuration once more as a normal plan (to refresh), and any error there, or from
 * ValidateResourceConfig, stops the destroy: so an invalid configuration could never be destroyed. Terraform
 * starts the provider as its own child, so its command line is the parent process's (`/proc/<ppid>/cmdline`
 * on Linux; elsewhere, or when it cannot be read, this answers false and validation stays on).
 */
import { readFileSync } from 'node:fs';

/** True when Terraform's arguments (without the program name) run a destroy. */
export function destroysWith(args: readonly string[]): boolean {
  const command = args.find((arg) => !arg.startsWith('-'));
  if (command === 'destroy') return true;
  if (command !== 'apply' && command !== 'plan') return false;
  return args.some((arg) => /^--?destroy(=true)?$/.test(arg));
}

/** The arguments of process `pid` (without the program name), or undefined when they cannot be read. */
function argumentsOf(pid: number): string[] | undefined {
  try {
    const parts = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return parts.slice(1, parts.at(-1) === '' ? -1 : undefined);
  } catch {
    return undefined;
  }
}

let answer: boolean | undefined;

/** True when the parent Terraform process runs a destroy (read once per process). */
export function terraformDestroys(): boolean {
  answer ??= destroysWith(argumentsOf(process.ppid) ?? []);
  return answer;
}
