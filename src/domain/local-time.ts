import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';

/**
 * Wall-clock times in a time zone <-> instants, DST-correct, through Luxon (IANA data from the
 * runtime's Intl). Pure: no I/O.
 *
 * A wall time that does not exist (the hour skipped when clocks go forward) moves forward by
 * the length of the gap, and one that happens twice (the hour repeated when clocks go back)
 * takes the earlier instant: the "compatible" rule of Temporal (TC39) and of most calendars.
 *
 * Zones are IANA names ("Europe/London"), "UTC", or fixed offsets stored as Luxon names them
 * ("UTC+1", "UTC-5:30"). Abbreviations ("BST", "EST", "IST") are never zones here: each names
 * different offsets in different places and seasons (Intl reads "BST" as Bangladesh time).
 */

/** The wall-clock fields of an instant in a time zone. */
export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export type ZoneResult = { ok: true; zone: string } | { ok: false; reason: string; abbreviation: boolean };

const UTC_NAMES = new Set(['utc', 'gmt', 'z', 'zulu', 'etc/utc', 'etc/gmt', 'etc/uct', 'uct', 'universal', 'etc/universal']);
const OFFSET = /^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i;
const resolved = new Map<string, ZoneResult>();

/**
 * Reads a time-zone cell: an IANA name (any case; the canonical spelling comes back), "UTC"/"GMT",
 * or an offset ("+01:00", "UTC+1", "GMT-05:30"). Anything else, abbreviations above all, is refused.
 */
export function resolveTimeZone(text: string): ZoneResult {
  const key = text.trim();
  let r = resolved.get(key);
  if (!r) {
    r = resolveUncached(key);
    resolved.set(key, r);
  }
  return r;
}

function resolveUncached(s: string): ZoneResult {
  if (UTC_NAMES.has(s.toLowerCase())) return { ok: true, zone: 'UTC' };
  const off = OFFSET.exec(s);
  if (off) {
    const hours = Number(off[2]);
    const minutes = Number(off[3] ?? 0);
    if (hours > 14 || minutes > 59) return { ok: false, reason: `"${s}" is not a UTC offset (at most ±14:00)`, abbreviation: false };
    const total = (off[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
    return { ok: true, zone: total === 0 ? 'UTC' : FixedOffsetZone.instance(total).name };
  }
  // Only Area/Location names: one-word names Intl also knows (EST, MST, CET, "Japan") are
  // legacy aliases or abbreviations that hide what was meant.
  if (s.includes('/') && !/\s/.test(s) && IANAZone.isValidZone(s)) {
    return { ok: true, zone: new Intl.DateTimeFormat('en-US', { timeZone: s }).resolvedOptions().timeZone };
  }
  const abbreviation =
    /^[A-Za-z]{2,4}$|^[A-Z]{5}$|^[A-Z]{3,4}\d[A-Z]{3,4}$|^(?:eastern|central|mountain|pacific|atlantic|alaska|hawaii)(?:\s+(?:standard|daylight))?(?:\s+time)?$/i.test(
      s,
    );
  return {
    ok: false,
    abbreviation,
    reason: abbreviation
      ? `"${s}" is an abbreviation, not a time zone: it means different offsets in different places and seasons`
      : `unknown time zone "${s}"`,
  };
}

/** True for a zone resolveTimeZone accepts as written. */
export function isTimeZone(name: string): boolean {
  return resolveTimeZone(name).ok;
}

function zoneOf(timeZone: string): IANAZone | FixedOffsetZone {
  const fixed = FixedOffsetZone.parseSpecifier(timeZone);
  return fixed ?? IANAZone.create(timeZone);
}

export function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  const d = DateTime.fromMillis(instantMs, { zone: zoneOf(timeZone) });
  return { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute, second: d.second };
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function offsetAt(instantMs: number, timeZone: string): number {
  return zoneOf(timeZone).offset(instantMs) * 60_000;
}

/** True when the fields name a real calendar date and time (no 31 April, no 25:00). */
export function isValidWallTime(w: WallTime): boolean {
  return DateTime.fromObject(w, { zone: 'UTC' }).isValid;
}

const DAY_MS = 86_400_000;

/**
 * The instant at which the wall clock of `timeZone` shows `w` (see the rule above). Offsets
 * change at most once within a day on either side in every real zone, so the offsets a day
 * before and a day after (from Luxon's zone data) are the only candidates: two offset look-ups
 * per date where there is no transition, four where there is one (a sheet of 5,000 rows pays
 * this 5,000 times, so no more).
 */
export function zonedWallTimeToInstant(w: WallTime, timeZone: string): Date {
  const zone = zoneOf(timeZone);
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const before = zone.offset(wall - DAY_MS) * 60_000;
  const after = zone.offset(wall + DAY_MS) * 60_000;
  if (before === after) return new Date(wall - before);
  const valid = [wall - before, wall - after].filter((t) => zone.offset(t) * 60_000 === wall - t).sort((a, b) => a - b);
  // Repeated hour: the earlier instant. Skipped hour: shifted forward by the gap.
  return new Date(valid[0] ?? wall - before);
}

/**
 * Every instant at which the wall clock of `timeZone` shows `w`, earliest first: one for most
 * wall times, none for a time in the hour skipped when clocks go forward, two for a time in the
 * hour repeated when clocks go back. For input that must not be guessed (a catalog's start).
 */
export function wallTimeInstants(w: WallTime, timeZone: string): Date[] {
  const zone = zoneOf(timeZone);
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const offsets = new Set([zone.offset(wall - DAY_MS), zone.offset(wall + DAY_MS)].map((o) => o * 60_000));
  return [...offsets]
    .map((o) => wall - o)
    .filter((t) => zone.offset(t) * 60_000 === wall - t)
    .sort((a, b) => a - b)
    .map((t) => new Date(t));
}

/** "+01:00": a UTC offset in minutes, as written in a cell. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** "2027-03-14 19:30" in the zone, for tables. */
export function formatWallTime(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: zoneOf(timeZone) }).toFormat('yyyy-MM-dd HH:mm');
}

/** "Sat 13 Feb 2027 19:30 EST": an event's start in its own zone, with the zone's abbreviation (Luxon). */
export function formatEventStart(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: zoneOf(timeZone) }).toFormat('ccc d LLL yyyy HH:mm ZZZZ', { locale: 'en-US' });
}

/** "2027-03-14" in the zone, for events whose time is not announced. */
export function formatLocalDate(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: zoneOf(timeZone) }).toFormat('yyyy-MM-dd');
}
