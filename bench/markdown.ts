/** Markdown pieces of the bench report: numbers, medians with their range, tables, goal lines. */
import type { Summary } from './stats';

/** A number with `digits` decimals, or `–` when missing. */
export function number(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** `median (min–max)`, or the median alone for a single figure. */
export function span(summary: Summary, digits = 0): string {
  if (summary.count === 0) return '–';
  if (summary.count === 1 || summary.min === summary.max) return number(summary.median, digits);
  return `${number(summary.median, digits)} (${number(summary.min, digits)}–${number(summary.max, digits)})`;
}

/** A markdown table. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One line of the goals table. */
export interface Goal {
  goal: string;
  measured: string;
  met: boolean | undefined;
}
