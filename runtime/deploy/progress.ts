/**
 * Progress of a deploy or destroy: a live task list on a terminal, one line per step otherwise, or one JSON
 * object per event (NDJSON) for machines.
 */
import type { Plan, Step } from '../../lib';
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

/** One line per finished step, for logs and CI. */
export function lineReporter(out: ProgressSink): (event: RunEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'plan':
        if (!event.dryRun) out.write(event.plan.waves.length === 0 ? 'no changes\n' : `plan: ${summaryLine(event.plan)}\n`);
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
      default:
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

type Row = { label: string; mark: string; note: string };

/** A task list redrawn in place on a terminal. */
export function ttyReporter(out: ProgressSink): (event: RunEvent) => void {
  const rows = new Map<string, Row>();
  let drawn = 0;
  const key = (step: Step): string => `${step.operation} ${step.id}`;
  const draw = (): void => {
    const lines = [...rows.values()].map((row) => `${row.mark} ${row.label}${row.note ? `  ${row.note}` : ''}`);
    out.write(`${drawn > 0 ? `\x1b[${drawn}A` : ''}${lines.map((line) => `\x1b[2K${line}\n`).join('')}`);
    drawn = lines.length;
  };
  return (event) => {
    switch (event.type) {
      case 'plan':
        if (event.dryRun) return;
        if (event.plan.waves.length === 0) {
          out.write('no changes\n');
          return;
        }
        out.write(`plan: ${summaryLine(event.plan)}\n`);
        for (const step of event.plan.waves.flat()) rows.set(key(step), { label: stepLabel(step), mark: '·', note: '' });
        draw();
        return;
      case 'start':
        Object.assign(rows.get(key(event.step)) ?? {}, { mark: '…', note: 'in progress' });
        draw();
        return;
      case 'done':
        Object.assign(rows.get(key(event.step)) ?? {}, { mark: '✓', note: `${event.ms} ms` });
        draw();
        return;
      case 'failed':
        Object.assign(rows.get(key(event.step)) ?? {}, { mark: '✗', note: event.message });
        draw();
        return;
      case 'end':
        if (event.plan.waves.length > 0) out.write(event.ok ? `done in ${seconds(event.ms)}\n` : `failed after ${seconds(event.ms)}\n`);
        return;
    }
  };
}
