import type { Command } from 'commander';
import { plan, type Manifest, type Plan } from '../../lib';
import { loadManifest } from '../load';

/** `albkit plan <app> --from <manifest>`: the steps that turn the `--from` manifest into the app. */
export function register(program: Command): void {
  program
    .command('plan')
    .description('show the ordered steps (create, update, replace, delete) from a manifest to an app')
    .argument('<app|manifest>', 'the desired app module or manifest')
    .requiredOption('--from <manifest>', 'the current manifest (albkit.manifest.json); use an empty one for a first deploy')
    .option('--json', 'print the plan as JSON')
    .action(async (input: string, options: { from: string; json?: boolean }) => {
      const desired = await loadManifest(input);
      const current = await loadManifest(options.from);
      const result = plan(current.resources, desired.resources);
      const json = desired.external ? { ...result, external: desired.external } : result;
      process.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : renderExternal(desired) + renderPlan(result));
    });
}

/** The resources a manifest refers to but does not hold, one line each: they must exist where it deploys. */
export function renderExternal(manifest: Manifest): string {
  return (manifest.external ?? []).map(({ kind, id }) => `external ${kind} ${id} (made elsewhere; must exist on the agent)\n`).join('');
}

/** A plan as text: one line per step, grouped in waves, then a summary. */
export function renderPlan(result: Plan): string {
  if (result.waves.length === 0) return 'no changes\n';
  const lines = result.waves.flatMap((wave, i) => [
    `wave ${i + 1}:`,
    ...wave.map((step) => {
      const verb = step.action === 'replace' ? `replace (${step.operation === 'put' ? 'create' : 'delete'})` : step.action;
      const detail = step.fields.length ? ` [${step.fields.join(', ')}]` : '';
      const reason = step.reason ? ` — forced by ${step.reason}` : '';
      return `  ${verb} ${step.kind} ${step.id}${detail}${reason}`;
    }),
  ]);
  const { create, update, replace, delete: remove } = result.summary;
  return `${[...lines, `${create} to create, ${update} to update, ${replace} to replace, ${remove} to delete`].join('\n')}\n`;
}
