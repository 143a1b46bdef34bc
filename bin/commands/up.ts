import type { Command } from 'commander';
import type { Manifest } from '../../lib';
import type { Agent } from '../../runtime/agent';
import { ControlClient } from '../../runtime/client/control-client';
import { deploy } from '../../runtime/deploy/deploy';
import { lineReporter, ttyReporter } from '../../runtime/deploy/progress';
import { paintFor } from '../colour';
import { EXIT, UsageError } from '../exit';
import { listeningText } from '../listener-urls';
import { loadManifest } from '../load';
import { unboundListeners, unboundRefusal, warnUnbound } from '../unbound-listeners';
import { agentOptions, runAgent, type AgentCliOptions } from './agent';
import { allowUnboundOption, DEFAULT_TIMEOUT_SECONDS, stackOptions, stackProblem } from './deploy';

/** Options of `albkit up`. */
export interface UpOptions extends AgentCliOptions {
  /** `--timeout` per resource, in seconds, as typed. @default '120' */
  timeout: string;
  /** `--stack <name>`: the stack the app is deployed as (owner `deploy/<name>`). @default 'default' */
  stack?: string;
  /** `--adopt`: take over the app's resources another owner (or none) has. @default false */
  adopt?: boolean;
  /** `--allow-unbound`: deploy listeners whose address is not on this host. @default false */
  allowUnbound?: boolean;
}

/**
 * Starts an agent in this process and deploys the manifest to it over its own control API. Resolves with the
 * running agent; on a failed deploy stops the agent and rejects naming the resource.
 */
export async function runUp(manifest: Manifest, options: UpOptions): Promise<Agent> {
  const timeout = Number(options.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new UsageError(`--timeout: "${options.timeout}" is not a positive number of seconds`);
  const badStack = options.stack === undefined ? undefined : stackProblem(options.stack);
  if (badStack) throw new UsageError(badStack);
  const unbound = options.allowUnbound ? warnUnbound(manifest) : unboundListeners(manifest);
  if (!options.allowUnbound && unbound.length > 0) throw new Error(unboundRefusal('up', 'the agent', unbound));
  const agent = await runAgent(options);
  process.stdout.write(`albkit agent listening on ${agent.endpoint}\n`);
  const onEvent = process.stdout.isTTY
    ? ttyReporter(process.stdout, paintFor(process.stdout))
    : lineReporter(process.stdout);
  const client = new ControlClient(agent.endpoint, agent.token);
  const result = await deploy(client, manifest, {
    stack: options.stack,
    adopt: options.adopt,
    stepTimeoutMs: timeout * 1000,
    onEvent,
  }).catch((error: Error) => ({ ok: false, message: error.message }));
  if (!result.ok) {
    await agent.stop(0);
    throw new Error(`albkit up: deploy failed:\n${result.message ?? 'unknown failure'}`);
  }
  return agent;
}

/** `albkit up <app>`: agent and deploy in one process, for local use. */
export function register(program: Command): void {
  agentOptions(
    allowUnboundOption(
      stackOptions(
        program
          .command('up')
          .description('run an agent and deploy an app or manifest to it, in one process; Ctrl-C stops it')
          .argument('<app|manifest>', 'an app module (.ts/.js) or a manifest (.json)')
          .option('--timeout <seconds>', 'how long each resource may take to become ACTIVE', DEFAULT_TIMEOUT_SECONDS),
      ),
    ),
  ).action(async (input: string, options: UpOptions) => {
    const manifest = await loadManifest(input);
    try {
      await runUp(manifest, options);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(error instanceof UsageError ? EXIT.usage : EXIT.invalid);
    }
    process.stdout.write(`${listeningText(manifest)}Ctrl-C to stop\n`);
  });
}
