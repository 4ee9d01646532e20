import type { Db } from '../pool';

/** A query as text and parameters, so tests can EXPLAIN exactly what a reader runs. */
export interface BuiltQuery {
  text: string;
  values: unknown[];
}

export type Queryable = Pick<Db, 'query'>;

/** numeric and bigint columns arrive as strings from pg; averages are rounded to cents. */
export function num(v: string | number | null | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}

export function cents(v: string | number | null | undefined): number | null {
  const n = num(v);
  return n === null ? null : Math.round(n * 100) / 100;
}

export const DAY_MS = 24 * 3600 * 1000;

export function daysAgo(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
