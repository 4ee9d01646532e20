/**
 * Wall-clock times in a named time zone <-> instants, DST-correct, with nothing but Intl.
 * Pure: no I/O, safe to import from workflows.
 *
 * A wall time that does not exist (the hour skipped when clocks go forward) moves forward by
 * the length of the gap, and one that happens twice (the hour repeated when clocks go back)
 * takes the earlier instant: the "compatible" rule of Temporal (TC39) and of most calendars.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const validity = new Map<string, boolean>();

/** True for a time zone name Intl knows (IANA names such as "America/Chicago", and "UTC"). */
export function isTimeZone(name: string): boolean {
  let ok = validity.get(name);
  if (ok === undefined) {
    try {
      formatterFor(name);
      ok = true;
    } catch {
      ok = false;
    }
    validity.set(name, ok);
  }
  return ok;
}

/** The wall-clock fields of an instant in a time zone. */
export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

function wallAsUtcMs(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function offsetAt(instantMs: number, timeZone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallAsUtcMs(wallTimeAt(whole, timeZone)) - whole;
}

const DAY_MS = 86_400_000;

/** True when the fields name a real calendar date and time (no 31 April, no 25:00). */
export function isValidWallTime(w: WallTime): boolean {
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.hour < 0 || w.hour > 23 || w.minute < 0 || w.minute > 59 || w.second < 0 || w.second > 59) return false;
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day));
  return d.getUTCFullYear() === w.year && d.getUTCMonth() === w.month - 1 && d.getUTCDate() === w.day;
}

/**
 * The instant at which the wall clock of `timeZone` shows `w`. Offsets change at most once
 * within a day on either side in every real zone, so the offsets a day before and a day after
 * are the only two candidates.
 */
export function zonedWallTimeToInstant(w: WallTime, timeZone: string): Date {
  const wall = wallAsUtcMs(w);
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((t) => wallAsUtcMs(wallTimeAt(t, timeZone)) === wall)
    .sort((a, b) => a - b);
  // Repeated hour: the earlier instant. Skipped hour: shifted forward by the gap.
  return new Date(candidates[0] ?? wall - before);
}

/** "2027-03-14 19:30" in the zone, for tables. */
export function formatWallTime(instant: Date, timeZone: string): string {
  const w = wallTimeAt(instant.getTime(), timeZone);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}`;
}
