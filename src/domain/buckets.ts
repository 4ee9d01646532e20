/**
 * Time buckets of the analytics queries: parsing what a user types, and choosing which stored
 * resolution can answer a bucket exactly. Pure; no I/O.
 */
export const MIN_BUCKET_SECONDS = 5 * 60;
export const MAX_BUCKET_SECONDS = 7 * 24 * 3600;
const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * Origin of every bucket (hourly, daily, weekly, custom): a Monday at 00:00 UTC, the same origin
 * TimescaleDB's time_bucket uses, so weeks start on Monday and days at midnight UTC in both modes.
 */
export const BUCKET_ORIGIN = '2000-01-03T00:00:00Z';

export type Resolution = 'raw' | 'hourly' | 'daily';

export interface Bucket {
  seconds: number;
  /** As PostgreSQL reads it, e.g. "3600 seconds". */
  interval: string;
  /** As the user wrote it, normalized, e.g. "1 hour". */
  label: string;
}

const UNITS: Record<string, number> = {
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: HOUR,
  hr: HOUR,
  hrs: HOUR,
  hour: HOUR,
  hours: HOUR,
  d: DAY,
  day: DAY,
  days: DAY,
  w: 7 * DAY,
  week: 7 * DAY,
  weeks: 7 * DAY,
};

/** Parses "5 minutes", "1 hour", "6h", "1 day", "1 week"; throws with a reason for anything else. */
export function parseBucket(text: string): Bucket {
  const m = /^\s*(\d+)\s*([a-z]+)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`"${text}" is not a bucket; use e.g. "5 minutes", "1 hour", "1 day", "1 week"`);
  const seconds = Number(m[1]) * unit;
  if (seconds < MIN_BUCKET_SECONDS || seconds > MAX_BUCKET_SECONDS) {
    throw new Error(`bucket "${text}" must be between 5 minutes and 1 week`);
  }
  return { seconds, interval: `${seconds} seconds`, label: labelOf(seconds) };
}

function labelOf(seconds: number): string {
  for (const [name, size] of [
    ['week', 7 * DAY],
    ['day', DAY],
    ['hour', HOUR],
    ['minute', 60],
  ] as const) {
    if (seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

/**
 * The coarsest stored resolution whose buckets tile the requested one exactly: daily rollups for
 * whole days (and weeks, whose origin is a midnight), hourly for whole hours, raw snapshots otherwise.
 */
export function resolutionFor(bucketSeconds: number): Resolution {
  if (bucketSeconds % DAY === 0) return 'daily';
  if (bucketSeconds % HOUR === 0) return 'hourly';
  return 'raw';
}

/** Start of the bucket of `size` seconds containing `t` (same arithmetic as date_bin with BUCKET_ORIGIN). */
export function bucketStart(t: Date, seconds: number): Date {
  const origin = Date.parse(BUCKET_ORIGIN);
  const size = seconds * 1000;
  return new Date(origin + Math.floor((t.getTime() - origin) / size) * size);
}
