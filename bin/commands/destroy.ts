import type { Command } from 'commander';
import { deployOptions, runDeployCommand, type DeployCliOptions } from './deploy';

/** `albkit destroy <app|manifest>`: delete the app's resources from the agent in reverse order. */
export function register(program: Command): void {
  deployOptions(
    program.command('destroy').description("delete an app's resources from an agent, dependents first, and wait until they are gone"),
  ).action(async (input: string, options: DeployCliOptions) => {
    process.exitCode = await runDeployCommand('destroy', input, options);
  });
}
