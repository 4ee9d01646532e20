/** A price series' direction over a window, for `ticket-tracker trend`. Pure; no I/O. */
export type TrendDirection = 'up' | 'down' | 'flat';

export interface TrendSummary {
  first: number;
  last: number;
  change: number;
  /** Null when the first value is 0 (cannot happen for prices, which are positive). */
  percentChange: number | null;
  direction: TrendDirection;
}

/** First and last value of a series, direction and percent change (rounded to 2 decimals). */
export function summarizeTrend(values: readonly (number | null)[]): TrendSummary | null {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  const first = known[0]!;
  const last = known[known.length - 1]!;
  const change = Math.round((last - first) * 100) / 100;
  return {
    first,
    last,
    change,
    percentChange: first === 0 ? null : Math.round(((last - first) / first) * 10000) / 100,
    direction: change > 0 ? 'up' : change < 0 ? 'down' : 'flat',
  };
}
