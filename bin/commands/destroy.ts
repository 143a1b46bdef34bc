import type { Command } from 'commander';
import { EXIT } from '../exit';
import { deployOptions, runDeployCommand, type DeployCliOptions } from './deploy';

/** `albkit destroy [app|manifest] [--stack name]`: delete every resource the stack owns on the agent, dependents first. */
export function register(program: Command): void {
  const command = deployOptions(
    program
      .command('destroy')
      .description('delete every resource the stack owns from an agent, dependents first, and wait until they are gone')
      .argument('[app|manifest]', 'an app module or manifest; without one, --stack names the stack whose resources go'),
  ).action(async (input: string | undefined, options: DeployCliOptions) => {
    if (input === undefined && command.getOptionValueSource('stack') === 'default') {
      process.stderr.write(
        'albkit destroy: give the app or manifest, or --stack <name> to delete everything that stack owns\n',
      );
      process.exitCode = EXIT.usage;
      return;
    }
    process.exitCode = await runDeployCommand('destroy', input, options);
  });
}
