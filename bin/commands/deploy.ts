import type { Command } from 'commander';
import { buildManifest, formatIssue, zodIssues } from '../../lib';
import { DEFAULT_STATE_DIR } from '../../runtime/agent-defaults';
import { ControlApiError, ControlClient } from '../../runtime/client/control-client';
import { deploy, destroy, type DeployResult } from '../../runtime/deploy/deploy';
import { DEFAULT_STEP_TIMEOUT_MS } from '../../runtime/deploy/run';
import { jsonReporter, lineReporter, ttyReporter } from '../../runtime/deploy/progress';
import { DEFAULT_STACK, describeOwner, StackName } from '../../runtime/contract/stack';
import { resolveTarget, TargetError } from '../../runtime/deploy/target';
import { paintFor } from '../colour';
import { EXIT } from '../exit';
import { listeningText } from '../listener-urls';
import { loadManifest } from '../load';
import { externalText, planOutput, planText } from '../plan-text';
import { unboundListeners, unboundRefusal, warnUnbound } from '../unbound-listeners';

/** The default of `--timeout` (deploy, destroy, up): seconds each step may take to become ACTIVE or gone. */
export const DEFAULT_TIMEOUT_SECONDS = String(DEFAULT_STEP_TIMEOUT_MS / 1000);

/** The options `albkit deploy` and `albkit destroy` share. */
export interface DeployCliOptions {
  /** `--endpoint URL`. @default `ALBKIT_ENDPOINT`, else `<state-dir>/endpoint` */
  endpoint?: string;
  /** `--token-file`. @default the token itself from `ALBKIT_TOKEN`, else the file `<state-dir>/token` */
  tokenFile?: string;
  /** `--state-dir`. @default '.albkit' */
  stateDir: string;
  /** `--dry-run`: print the plan only. @default false */
  dryRun?: boolean;
  /** `--json`: NDJSON events on stdout. @default false */
  json?: boolean;
  /** `--timeout` per step, in seconds, as typed. @default '120' */
  timeout: string;
  /** `--stack <name>`: the deploy owns its resources as `deploy/<name>` and changes no others. @default 'default' */
  stack: string;
  /** `--adopt`: take over the app's resources another owner (or none) has. @default false */
  adopt?: boolean;
  /** `--allow-unbound`: deploy to a local agent listeners whose address is not on this host. @default false */
  allowUnbound?: boolean;
}

/** Adds `--stack` and `--adopt` (shared with `albkit up`). */
export function stackOptions(command: Command): Command {
  return command
    .option(
      '--stack <name>',
      "the stack: owns its resources as deploy/<name>, never touches other owners' resources",
      DEFAULT_STACK,
    )
    .option('--adopt', "take over the app's resources that another stack or owner (or none) has, instead of refusing");
}

/** The error in a `--stack` value, if any. */
export function stackProblem(stack: string): string | undefined {
  const parsed = StackName.safeParse(stack);
  return parsed.success ? undefined : zodIssues('--stack', parsed.error).map(formatIssue).join('; ');
}

/** Adds `--allow-unbound` (shared with `albkit up`). */
export function allowUnboundOption(command: Command): Command {
  return command.option(
    '--allow-unbound',
    "deploy to an agent on this host even listeners whose address is not one of this host's (they stay FAILED until it is)",
  );
}

/** Adds the options that find the agent and its token (deploy, destroy, plan). */
export function targetOptions(command: Command): Command {
  return stackOptions(command)
    .option('--endpoint <url>', 'the agent control API (default: ALBKIT_ENDPOINT, else the file <state-dir>/endpoint)')
    .option(
      '--token-file <file>',
      'a file holding the bearer token (default: the token itself from ALBKIT_TOKEN, else the file <state-dir>/token)',
    )
    .option(
      '--state-dir <dir>',
      "a local agent's state directory, where it writes its endpoint and token files",
      DEFAULT_STATE_DIR,
    );
}

/** Adds the options deploy and destroy share. */
export function deployOptions(command: Command): Command {
  return targetOptions(command)
    .option('--dry-run', 'print the plan, with old → new values, and change nothing')
    .option('--json', 'one JSON object per event on stdout')
    .option('--timeout <seconds>', 'how long each step may take to become ACTIVE (or gone)', DEFAULT_TIMEOUT_SECONDS);
}

/**
 * Runs deploy or destroy (or plan against a live agent: a dry-run deploy printed as a plan) for the CLI: picks
 * the reporter, checks the listeners' addresses against a local agent's host, maps the outcome to the exit code.
 */
export async function runDeployCommand(
  verb: 'deploy' | 'destroy' | 'plan',
  input: string | undefined,
  options: DeployCliOptions,
): Promise<number> {
  const timeout = Number(options.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0)
    return usage(verb, `--timeout: "${options.timeout}" is not a positive number of seconds`);
  const badStack = stackProblem(options.stack);
  if (badStack) return usage(verb, badStack);
  let target;
  try {
    target = await resolveTarget(options);
  } catch (error) {
    if (error instanceof TargetError) return usage(verb, error.message);
    throw error;
  }
  // A destroy given only --stack claims no ids: it deletes what the stack owns.
  const desired = input === undefined ? buildManifest([]) : await loadManifest(input);
  if (verb !== 'destroy' && target.local) {
    const refuse = !options.dryRun && !options.allowUnbound;
    const unbound = refuse ? unboundListeners(desired) : warnUnbound(desired);
    if (refuse && unbound.length > 0) {
      process.stderr.write(`${unboundRefusal(verb, `the agent at ${target.endpoint}`, unbound)}\n`);
      return EXIT.invalid;
    }
  }
  // Output piped into a reader that went away (`| head`): stop like any Unix tool on a broken pipe.
  process.stdout.on('error', () => process.exit(EXIT.invalid));
  const client = new ControlClient(target.endpoint, target.token);
  const onEvent =
    verb === 'plan'
      ? undefined
      : options.json
        ? jsonReporter(process.stdout)
        : process.stdout.isTTY
          ? ttyReporter(process.stdout, paintFor(process.stdout))
          : lineReporter(process.stdout);
  const run = verb === 'destroy' ? destroy : deploy;
  let result: DeployResult;
  try {
    result = await run(client, desired, {
      dryRun: options.dryRun,
      stack: options.stack,
      adopt: options.adopt,
      stepTimeoutMs: timeout * 1000,
      onEvent,
    });
  } catch (error) {
    const wrongToken =
      error instanceof ControlApiError && error.status === 401 ? ` (the token came from ${target.tokenSource})` : '';
    process.stderr.write(`albkit ${verb}: ${(error as Error).message}${wrongToken}\n`);
    return EXIT.invalid;
  }
  if (result.preview && (verb === 'plan' || !options.json)) {
    if (!options.json)
      for (const { kind, id, from } of result.adopted)
        process.stdout.write(`adopt ${kind} ${id} (owned by ${describeOwner(from)})\n`);
    process.stdout.write(
      verb === 'plan'
        ? planOutput(result.preview, desired, options.json === true)
        : externalText(desired) + planText(result.preview, paintFor(process.stdout)),
    );
  }
  if (!result.ok) {
    process.stderr.write(`albkit ${verb}: failed:\n${result.message ?? 'unknown failure'}\n`);
    return EXIT.invalid;
  }
  if (verb === 'deploy' && !options.dryRun && !options.json) process.stdout.write(listeningText(desired));
  return EXIT.ok;
}

function usage(verb: string, message: string): number {
  process.stderr.write(`albkit ${verb}: ${message}\n`);
  return EXIT.usage;
}

/** `albkit deploy <app|manifest>`: plan against what the stack owns on the agent and apply it in waves. */
export function register(program: Command): void {
  allowUnboundOption(
    deployOptions(
      program
        .command('deploy')
        .description(
          "deploy an app or manifest to an agent as a stack: plan against the stack's resources, apply in waves, wait for ACTIVE",
        )
        .argument('<app|manifest>', 'an app module (.ts/.js) or a manifest (.json)'),
    ),
  ).action(async (input: string, options: DeployCliOptions) => {
    process.exitCode = await runDeployCommand('deploy', input, options);
  });
}
