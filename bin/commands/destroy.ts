import type { Command } from 'commander';
import { deployOptions, runDeployCommand, type DeployCliOptions } from './deploy';

/** `albkit destroy <app|manifest>`: delete every resource the stack owns on the agent, dependents first. */
export function register(program: Command): void {
  deployOptions(
    program.command('destroy').description('delete every resource the stack owns from an agent, dependents first, and wait until they are gone'),
  ).action(async (input: string, options: DeployCliOptions) => {
    process.exitCode = await runDeployCommand('destroy', input, options);
  });
}
