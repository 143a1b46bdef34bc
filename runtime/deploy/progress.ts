/**
 * Progress of a deploy or destroy: a live task list on a terminal, one line per step otherwise, or one JSON
 * object per event (NDJSON) for machines.
 */
import type { Plan, Step } from '../../lib';
import { ACTION_COLOUR, noPaint, type Paint } from './paint';
import type { RunEvent } from './run';

/** Where progress goes. */
export interface ProgressSink {
  write(text: string): unknown;
}

/** `create LoadBalancer web`, `replace (delete) Listener web/http`. */
export function stepLabel(step: Step): string {
  const verb = step.action === 'replace' ? `replace (${step.operation === 'put' ? 'create' : 'delete'})` : step.action;
  return `${verb} ${step.kind} ${step.id}`;
}

/** `2 to create, 1 to update, 0 to replace, 0 to delete` */
export function summaryLine(plan: Plan): string {
  const { create, update, replace, delete: remove } = plan.summary;
  return `${create} to create, ${update} to update, ${replace} to replace, ${remove} to delete`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `adopted LoadBalancer web (was owned by terraform)` */
export function adoptLine(event: Extract<RunEvent, { type: 'adopt' }>): string {
  return `adopted ${event.kind} ${event.id} (was owned by ${event.from ?? 'no one'})\n`;
}

/** One line per finished step, for logs and CI. */
export function lineReporter(out: ProgressSink): (event: RunEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'plan':
        if (!event.dryRun)
          out.write(event.plan.waves.length === 0 ? 'no changes\n' : `plan: ${summaryLine(event.plan)}\n`);
        return;
      case 'adopt':
        out.write(adoptLine(event));
        return;
      case 'done':
        out.write(`[wave ${event.wave}] ok      ${stepLabel(event.step)} (${event.ms} ms)\n`);
        return;
      case 'failed':
        out.write(`[wave ${event.wave}] FAILED  ${event.message}\n`);
        return;
      case 'end':
        if (event.plan.waves.length > 0 && !event.message) out.write(`done in ${seconds(event.ms)}\n`);
        if (event.message) out.write(`failed after ${seconds(event.ms)}\n`);
        return;
      case 'start':
        return;
    }
  };
}

/** One JSON object per event. */
export function jsonReporter(out: ProgressSink): (event: RunEvent) => void {
  return (event) => {
    out.write(`${JSON.stringify(event)}\n`);
  };
}

/** How many steps in flight the live view lists by name. */
export const TTY_RUNNING_SHOWN = 8;

/**
 * A live view on a terminal: finished steps scroll by as permanent lines (`✓`/`✗`, painted by their action,
 * a failure red), below them a redrawn region shows the steps in flight and the progress (`wave 2/5, 3/9
 * done`). The region stays small whatever the size of the plan or the concurrency: at most
 * `TTY_RUNNING_SHOWN` steps in flight are listed by name.
 */
export function ttyReporter(out: ProgressSink, paint: Paint = noPaint): (event: RunEvent) => void {
  const running = new Map<string, string>();
  let drawn = 0;
  let total = 0;
  let finished = 0;
  let waves = 0;
  let wave = 0;
  const key = (step: Step): string => `${step.operation} ${step.id}`;
  const redraw = (permanent = ''): void => {
    const shown = [...running.values()].slice(0, TTY_RUNNING_SHOWN).map((label) => `… ${label}`);
    if (running.size > TTY_RUNNING_SHOWN) shown.push(`… and ${running.size - TTY_RUNNING_SHOWN} more`);
    const region =
      running.size > 0 || finished < total ? [...shown, `wave ${wave}/${waves}, ${finished}/${total} done`] : [];
    out.write(`${drawn > 0 ? `\x1b[${drawn}A\x1b[0J` : ''}${permanent}${region.map((line) => `${line}\n`).join('')}`);
    drawn = region.length;
  };
  return (event) => {
    switch (event.type) {
      case 'plan':
        if (event.dryRun) return;
        total = event.plan.waves.flat().length;
        waves = event.plan.waves.length;
        out.write(total === 0 ? 'no changes\n' : `plan: ${summaryLine(event.plan)}\n`);
        return;
      case 'adopt':
        redraw(adoptLine(event));
        return;
      case 'start':
        wave = event.wave;
        running.set(key(event.step), stepLabel(event.step));
        redraw();
        return;
      case 'done':
        running.delete(key(event.step));
        finished += 1;
        redraw(`${paint(ACTION_COLOUR[event.step.action], `✓ ${stepLabel(event.step)}`)}  ${event.ms} ms\n`);
        return;
      case 'failed':
        running.delete(key(event.step));
        finished += 1;
        redraw(`${paint('red', `✗ ${event.message}`)}\n`);
        return;
      case 'end':
        running.clear();
        total = finished;
        redraw(
          event.plan.waves.length === 0
            ? ''
            : event.ok
              ? `done in ${seconds(event.ms)}\n`
              : `failed after ${seconds(event.ms)}\n`,
        );
        return;
    }
  };
}
