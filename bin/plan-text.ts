/**
 * A plan as `albkit plan` and `albkit deploy --dry-run` print it: the waves, one line per step marked
 * `+` create, `~` update, `-` delete, `-/+` replace, and under each put or delete the fields it changes with
 * their old and new values (`healthCheck.intervalMs: 3000 → 5000`), secrets only as a short fingerprint.
 */
import { isRedacted, type Action, type Manifest } from '../lib';
import type { DetailedPlan, DetailedStep, FieldChange } from '../runtime/deploy/plan-changes';
import { stepLabel, summaryLine } from '../runtime/deploy/progress';
import { ACTION_COLOUR, noPaint, type Paint } from '../runtime/deploy/paint';
import { paintFor } from './colour';

const MARK: Record<Action, string> = { create: '+', update: '~', delete: '-', replace: '-/+' };

/** Strings longer than this are shortened (certificates): the start, then how long they are. */
const LONGEST_SHOWN = 60;

/**
 * The plan from the current state to `desired` as `albkit plan` prints it: JSON (every step with its changes,
 * and the `external` resources `desired` refers to, when any), or text, in colour on a terminal.
 */
export function planOutput(plan: DetailedPlan, desired: Manifest, json: boolean): string {
  if (json) return `${JSON.stringify(desired.external ? { ...plan, external: desired.external } : plan, null, 2)}\n`;
  return externalText(desired) + planText(plan, paintFor(process.stdout));
}

/** The resources a manifest refers to but does not hold, one line each: they must exist where it deploys. */
export function externalText(manifest: Manifest): string {
  return (manifest.external ?? [])
    .map(({ kind, id }) => `external ${kind} ${id} (made elsewhere; must exist on the agent)\n`)
    .join('');
}

/** The plan as text, painted with `paint` (none by default). */
export function planText(plan: DetailedPlan, paint: Paint = noPaint): string {
  if (plan.waves.length === 0) return 'no changes\n';
  const lines = plan.waves.flatMap((wave, i) => [`wave ${i + 1}:`, ...wave.flatMap((step) => stepLines(step, paint))]);
  return `${[...lines, summaryLine(plan)].join('\n')}\n`;
}

function stepLines(step: DetailedStep, paint: Paint): string[] {
  const reason = step.reason ? ` — forced by ${step.reason}` : '';
  const head = `  ${paint(ACTION_COLOUR[step.action], `${MARK[step.action]} ${stepLabel(step)}`)}${reason}`;
  // A replace shows its fields once, under the put that creates the new version.
  if (step.action === 'replace' && step.operation === 'delete') return [head];
  return [head, ...step.changes.map((change) => `      ${changeText(step.action, change, paint)}`)];
}

/** `port: 8080 → 8081  (forces replacement)`; a create or delete shows its one side: `port: 8080`. */
function changeText(action: Action, change: FieldChange, paint: Paint): string {
  const forced = change.forcesReplace ? `  ${paint('red', '(forces replacement)')}` : '';
  if (action === 'create') return `${change.path}: ${valueText(change.after)}`;
  if (action === 'delete') return `${change.path}: ${valueText(change.before)}`;
  const side = (present: boolean, value: unknown): string => (present ? valueText(value) : '(none)');
  return `${change.path}: ${side('before' in change, change.before)} → ${side(
    'after' in change,
    change.after,
  )}${forced}`;
}

/** A value as JSON, a secret's fingerprint as `(sensitive sha256:1a2b3c4d)`, a long string shortened. */
function valueText(value: unknown): string {
  if (isRedacted(value)) return `(sensitive sha256:${value.slice(-64, -56)})`;
  if (typeof value === 'string' && value.length > LONGEST_SHOWN)
    return `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`;
  return JSON.stringify(value);
}
