import type { Command } from 'commander';
import { plan } from '../../lib';
import { detailPlan } from '../../runtime/deploy/plan-changes';
import { EXIT } from '../exit';
import { loadManifest } from '../load';
import { planOutput } from '../plan-text';
import { DEFAULT_TIMEOUT_SECONDS, runDeployCommand, targetOptions, type DeployCliOptions } from './deploy';

/** Options of `albkit plan`. */
interface PlanCliOptions extends Omit<DeployCliOptions, 'dryRun' | 'timeout'> {
  /** `--from <manifest>`: plan from this manifest instead of a live agent. */
  from?: string;
}

/**
 * `albkit plan <app> --from <manifest>` or `albkit plan <app> --endpoint <url>`: the steps that turn the
 * `--from` manifest, or what the stack has on a live agent, into the app, with each field's old and new value.
 */
export function register(program: Command): void {
  const command = targetOptions(
    program
      .command('plan')
      .description(
        'show the ordered steps (create, update, replace, delete) from a manifest or a live agent to an app, with old → new values',
      )
      .argument('<app|manifest>', 'the desired app module or manifest')
      .option(
        '--from <manifest>',
        'plan from this manifest (albkit.manifest.json; an empty one for a first deploy) instead of a live agent',
      ),
  )
    .option('--json', 'print the plan as JSON: its waves of steps, each with its changes (path, before, after)')
    .action(async (input: string, options: PlanCliOptions) => {
      const named =
        command.getOptionValueSource('endpoint') === 'cli' || command.getOptionValueSource('stateDir') === 'cli';
      // ALBKIT_ENDPOINT stands in for --endpoint, as for deploy, but never against an explicit --from.
      const live = named || (options.from === undefined && process.env.ALBKIT_ENDPOINT !== undefined);
      if (live === (options.from !== undefined)) {
        process.stderr.write(
          'albkit plan: give exactly one of --from <manifest> (plan from a manifest) and --endpoint <url> or --state-dir <dir> (plan against a live agent)\n',
        );
        process.exitCode = EXIT.usage;
        return;
      }
      if (live) {
        process.exitCode = await runDeployCommand('plan', input, {
          ...options,
          dryRun: true,
          timeout: DEFAULT_TIMEOUT_SECONDS,
        });
        return;
      }
      const desired = await loadManifest(input);
      const current = await loadManifest(options.from as string);
      process.stdout.write(
        planOutput(
          detailPlan(plan(current.resources, desired.resources), current.resources, desired.resources),
          desired,
          options.json === true,
        ),
      );
    });
}
