/** Summary statistics over the rounds of one measurement. */

/** The median and the range of a set of figures. */
export interface Summary {
  /** Median of the figures (mean of the middle two for an even count). */
  median: number;
  /** Smallest figure. */
  min: number;
  /** Largest figure. */
  max: number;
  /** How many figures were summarized. */
  count: number;
}

/** Summarizes figures into median, min and max; NaN everywhere for an empty list. */
export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, count: 0 };
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, count: sorted.length };
}

/** The ratio of two medians, NaN when either is missing or the reference is 0. */
export function ratio(value: number, reference: number): number {
  return Number.isFinite(value) && Number.isFinite(reference) && reference !== 0 ? value / reference : Number.NaN;
}
