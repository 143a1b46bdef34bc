import type { Command } from 'commander';
import type { Manifest, ValidationError } from '../../lib';
import { isLocalEndpoint } from '../../runtime/deploy/local-host';
import { checkEndpoint, TargetError } from '../../runtime/deploy/target';
import { EXIT, UsageError } from '../exit';
import { loadManifest } from '../load';
import { unboundListeners, warnUnbound, type UnboundListener } from '../unbound-listeners';

/** Options of `albkit validate`. */
interface ValidateCliOptions {
  /** `--json`: the outcome as JSON on stdout. @default false */
  json?: boolean;
  /** `--endpoint`: the agent the app is for; on this host, its listener addresses are checked. */
  endpoint?: string;
  /** `--state-dir`: a local agent's state directory; its listener addresses are checked. */
  stateDir?: string;
}

/**
 * `albkit validate <app|manifest> [--json] [--endpoint url | --state-dir dir]`: exit 0 when valid, 1 with every
 * error on stderr (or as JSON on stdout). Given an agent on this host, also warns for each listener address this
 * host does not have; without one, nothing is said about addresses (the app may be meant for another host).
 */
export function register(program: Command): void {
  program
    .command('validate')
    .description('validate an app or manifest; every error names its construct path and field')
    .argument('<app|manifest>', 'app module or albkit.manifest.json')
    .option(
      '--json',
      'print the outcome as JSON on stdout: {"valid":true,"resources":N,"hash":…,"warnings":[…]} or {"valid":false,"issues":[{path,field,message}]}',
    )
    .option(
      '--endpoint <url>',
      'the agent the app is for: if it runs on this host, warn for listener addresses this host does not have',
    )
    .option('--state-dir <dir>', "a local agent's state directory: warn for listener addresses this host does not have")
    .action(async (input: string, options: ValidateCliOptions) => {
      if (options.endpoint !== undefined) usableEndpoint(options.endpoint);
      const local =
        options.stateDir !== undefined || (options.endpoint !== undefined && isLocalEndpoint(options.endpoint));
      const check = (manifest: Manifest): UnboundListener[] =>
        !local ? [] : options.json ? unboundListeners(manifest) : warnUnbound(manifest);
      if (!options.json) {
        const manifest = await loadManifest(input);
        check(manifest);
        process.stdout.write(`valid: ${manifest.resources.length} resources, sha256 ${manifest.hash}\n`);
        return;
      }
      try {
        const manifest = await loadManifest(input);
        const warnings = check(manifest);
        process.stdout.write(
          `${JSON.stringify({
            valid: true,
            resources: manifest.resources.length,
            hash: manifest.hash,
            ...(warnings.length > 0 ? { warnings } : {}),
          })}\n`,
        );
      } catch (error) {
        // By name: an app module may have loaded its own copy of albkit.
        if ((error as Error).name !== 'ValidationError') throw error;
        process.stdout.write(`${JSON.stringify({ valid: false, issues: (error as ValidationError).issues })}\n`);
        process.exitCode = EXIT.invalid;
      }
    });
}

/** Throws a `UsageError` (exit 2) for an `--endpoint` that is not a base URL. */
function usableEndpoint(endpoint: string): void {
  try {
    checkEndpoint(endpoint);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(`albkit validate: ${error.message}`);
    throw error;
  }
}
