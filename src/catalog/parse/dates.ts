import { DateTime } from 'luxon';

/**
 * Event dates and times as spreadsheets hold them, read with Luxon. Pure.
 *
 * A start is read in two steps: the cell(s) -> a local start (a calendar date, maybe a time of
 * day, maybe an explicit UTC offset, or "to be announced"), then, in the row's zone, an instant.
 *
 * Forms read: ISO (2027-03-14, 2027-03-14 19:30, 2027-03-14T19:30:00, with Z or an offset),
 * numeric dates with / . or - (14/03/2027, 13.03.2027, 3/14/27: day-first or month-first by
 * DateOrder), month names (Mar 14, 2027; 14 March 2027; Sat, Mar 14, 2027), spreadsheet serial
 * numbers (days since 1899-12-30, the fraction being the time of day), 24-hour and AM/PM times,
 * and TBA/TBD/TBC for a date or a time not announced yet.
 */

export type DateOrder = 'dmy' | 'mdy';

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}
export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

/** What a start cell says, before a zone makes it an instant. */
export type LocalStart =
  | { precision: 'time'; date: LocalDate; time: TimeOfDay; offsetMinutes?: number }
  | { precision: 'date'; date: LocalDate }
  | { precision: 'tba' };

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const TBA = /^(?:tba|tbd|tbc|t\.b\.a\.?|to be (?:announced|determined|confirmed)|date tba|time tba|tba\s*\/\s*tbd)$/i;

/** Days from 1899-12-30 (the spreadsheet epoch) to 1970-01-01. */
const SERIAL_EPOCH = DateTime.fromObject({ year: 1899, month: 12, day: 30 }, { zone: 'UTC' });
/** Serial numbers accepted as dates: 1954-10-03 .. 2119-01-01 (anything else is not an event date). */
const SERIAL_MIN = 20_000;
const SERIAL_MAX = 80_000;

export const DATE_HINT = 'write the local start as YYYY-MM-DD HH:MM, or DD/MM/YYYY or MM/DD/YYYY with a time, or TBA';

/** "14/03/2027", "3.14.27", "14-03-2027": the two leading numbers, for deciding the order. */
const NUMERIC_DATE = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})$/;

/** Which orders a numeric date allows: a first number above 12 is a day, a second one is a day. */
export function numericDateOrders(datePart: string): DateOrder[] | undefined {
  const m = NUMERIC_DATE.exec(datePart.trim());
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[3]);
  const orders: DateOrder[] = [];
  if (b >= 1 && b <= 12 && a >= 1 && a <= 31) orders.push('dmy');
  if (a >= 1 && a <= 12 && b >= 1 && b <= 31) orders.push('mdy');
  return orders;
}

const TIME_AT_END =
  /(?:^|[\sT,@]+(?:at\s+)?)(\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?\s?m\.?)?|\d{1,2}\s*[ap]\.?\s?m\.?|\d{1,2}h\d{2}|tba|tbd|tbc)(\s*(?:z|[+-]\d{2}:?\d{2}))?$/i;

/** Splits "14/03/2027 19:30" into date and time text; the time is undefined when there is none. */
export function splitDateTime(text: string): { date: string; time?: string; offset?: string } {
  const s = text.trim().replace(/\s+/g, ' ');
  const m = TIME_AT_END.exec(s);
  if (!m || m.index === 0) return { date: s };
  return { date: s.slice(0, m.index).replace(/[\s,]+$/, ''), time: m[1], offset: m[2]?.trim() };
}

const TIME_FORMATS = ['H:mm', 'H:mm:ss', 'H:mm:ss.S', 'H:mm:ss.SSS', 'h:mm a', 'h:mm:ss a', 'h a', 'H.mm', 'H.mm.ss', "H'h'mm"];

/** A time-of-day text: 19:30, 19:30:00, 7:30 PM, 7pm, 7.30 p.m., 19h30; TBA/TBD. */
export function parseTimeText(text: string): Parsed<TimeOfDay | 'tba'> {
  const s = text.trim();
  if (TBA.test(s)) return { ok: true, value: 'tba' };
  const normalized = s.replace(/\s*([ap])\.?\s?m\.?$/i, (_, ap: string) => ` ${ap.toUpperCase()}M`).replace(/^(\d{1,2}) ([AP]M)$/, '$1 $2');
  const twelveHour = /([AP]M)$/.exec(normalized);
  if (twelveHour) {
    const h = Number(/^\d{1,2}/.exec(normalized)?.[0]);
    if (!(h >= 1 && h <= 12)) return { ok: false, reason: `"${s}" is not a time of day (${h} is not an hour on a 12-hour clock)` };
  }
  for (const f of TIME_FORMATS) {
    if (Boolean(twelveHour) !== f.endsWith(' a')) continue;
    const d = DateTime.fromFormat(normalized, f, { zone: 'UTC', locale: 'en-US' });
    if (d.isValid) return { ok: true, value: { hour: d.hour, minute: d.minute, second: d.second } };
  }
  return { ok: false, reason: `"${s}" is not a time of day (19:30 or 7:30 PM)` };
}

const NAMED_FORMATS = [
  'LLL d, yyyy',
  'LLLL d, yyyy',
  'LLL d yyyy',
  'LLLL d yyyy',
  'd LLL yyyy',
  'd LLLL yyyy',
  'd LLL, yyyy',
  'd LLLL, yyyy',
  'EEE, LLL d, yyyy',
  'EEEE, LLLL d, yyyy',
  'EEE LLL d, yyyy',
  'EEE LLL d yyyy',
  'EEE, d LLL yyyy',
  'EEEE, d LLLL yyyy',
  'EEEE d LLLL yyyy',
  'd-LLL-yyyy',
  'd-LLL-yy',
  'LLL. d, yyyy',
  'EEEE, LLLL d yyyy',
];

/**
 * A date text in the given order (the order only matters for numeric dates that allow both).
 * Ordinals ("March 14th") are read as the number.
 */
export function parseDateText(text: string, order: DateOrder | undefined): Parsed<LocalDate | 'tba'> {
  const s = text.trim();
  if (TBA.test(s)) return { ok: true, value: 'tba' };
  const iso = DateTime.fromISO(s, { zone: 'UTC' });
  if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(s)) {
    const d = iso.isValid ? iso : DateTime.fromFormat(s, 'yyyy-M-d', { zone: 'UTC' });
    return d.isValid ? { ok: true, value: dateOf(d) } : { ok: false, reason: `"${s}" is not a valid date` };
  }
  const numeric = NUMERIC_DATE.exec(s);
  if (numeric) {
    const orders = numericDateOrders(s)!;
    if (orders.length === 0) return { ok: false, reason: `"${s}" is not a valid date` };
    const use = order ?? (orders.length === 1 ? orders[0] : undefined);
    if (!use) return { ok: false, reason: `"${s}" reads as day-first or month-first: set DATE_ORDER=dmy or mdy, or add a Country column` };
    if (!orders.includes(use))
      return {
        ok: false,
        reason: `"${s}" can only be ${orders[0] === 'dmy' ? 'day-first' : 'month-first'}, but this file's dates are ${use === 'dmy' ? 'day-first' : 'month-first'}: check this cell`,
      };
    const sep = numeric[2]!;
    const year = numeric[4]!.length === 2 ? 'yy' : 'yyyy';
    const fmt = use === 'dmy' ? `d${sep}M${sep}${year}` : `M${sep}d${sep}${year}`;
    const d = DateTime.fromFormat(s, fmt, { zone: 'UTC' });
    return d.isValid ? { ok: true, value: dateOf(d) } : { ok: false, reason: `"${s}" is not a valid date` };
  }
  const cleaned = s.replace(/(\d)(st|nd|rd|th)\b/gi, '$1').replace(/\s+/g, ' ');
  for (const f of NAMED_FORMATS) {
    const d = DateTime.fromFormat(cleaned, f, { zone: 'UTC', locale: 'en-US' });
    if (d.isValid) return { ok: true, value: dateOf(d) };
  }
  return { ok: false, reason: `"${s}" is not a date (${DATE_HINT})` };
}

function dateOf(d: DateTime): LocalDate {
  return { year: d.year, month: d.month, day: d.day };
}

/** A spreadsheet serial number: whole days are the date, the fraction the time of day. */
export function fromSerial(serial: number): Parsed<{ date: LocalDate; time?: TimeOfDay }> {
  if (!Number.isFinite(serial) || serial < SERIAL_MIN || serial >= SERIAL_MAX)
    return { ok: false, reason: `${serial} is not a date (${DATE_HINT})` };
  const d = SERIAL_EPOCH.plus({ seconds: Math.round(serial * 86_400) });
  const date = dateOf(d);
  return Number.isInteger(serial)
    ? { ok: true, value: { date } }
    : { ok: true, value: { date, time: { hour: d.hour, minute: d.minute, second: d.second } } };
}

/** A time cell holding a fraction of a day (what Sheets sends for a time-formatted cell). */
function fromDayFraction(v: number): Parsed<TimeOfDay> {
  if (!(v >= 0 && v < 1)) return { ok: false, reason: `${v} is not a time of day` };
  const d = SERIAL_EPOCH.plus({ seconds: Math.round(v * 86_400) });
  return { ok: true, value: { hour: d.hour, minute: d.minute, second: d.second } };
}

function offsetMinutes(text: string): number {
  if (/^z$/i.test(text)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * The start of an event from its date cell and, when the sheet has one, its time cell. A time
 * in the date cell and a separate time cell must not disagree.
 */
export function parseStart(
  dateCell: string | number,
  timeCell: string | number | undefined,
  order: DateOrder | undefined,
): Parsed<LocalStart> {
  let date: LocalDate | 'tba';
  let time: TimeOfDay | 'tba' | undefined;
  let offset: number | undefined;
  if (typeof dateCell === 'number' || /^\d{5}(\.\d+)?$/.test(String(dateCell).trim())) {
    const serial = fromSerial(Number(dateCell));
    if (!serial.ok) return serial;
    date = serial.value.date;
    time = serial.value.time;
  } else {
    const parts = splitDateTime(dateCell);
    const d = parseDateText(parts.date, order);
    if (!d.ok) return { ok: false, reason: d.reason.replace(`"${parts.date}"`, `"${dateCell.trim()}"`) };
    date = d.value;
    if (parts.time !== undefined) {
      const t = parseTimeText(parts.time);
      if (!t.ok) return t;
      time = t.value;
      if (parts.offset) offset = offsetMinutes(parts.offset);
    }
  }
  if (timeCell !== undefined) {
    // A time cell may carry the UTC offset that says which of a repeated hour is meant ("01:30+01:00").
    const withOffset =
      typeof timeCell === 'string' ? /^(\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)\s*(z|[+-]\d{2}:?\d{2})$/i.exec(timeCell.trim()) : null;
    if (withOffset) offset = offsetMinutes(withOffset[2]!);
    const t = typeof timeCell === 'number' ? fromDayFraction(timeCell % 1) : parseTimeText(withOffset ? withOffset[1]! : String(timeCell));
    if (!t.ok) return { ok: false, reason: `time: ${t.reason}` };
    if (time !== undefined && time !== 'tba' && t.value !== 'tba' && (time.hour !== t.value.hour || time.minute !== t.value.minute)) {
      return {
        ok: false,
        reason: `the date cell says ${pad(time.hour)}:${pad(time.minute)} but the time cell says ${pad(t.value.hour)}:${pad(t.value.minute)}`,
      };
    }
    if (time === undefined || time === 'tba') time = t.value;
  }
  if (date === 'tba') return { ok: true, value: { precision: 'tba' } };
  if (time === undefined || time === 'tba') return { ok: true, value: { precision: 'date', date } };
  return { ok: true, value: { precision: 'time', date, time, ...(offset !== undefined ? { offsetMinutes: offset } : {}) } };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The date part of a start cell as text, when it is a numeric date (for deciding the order). */
export function numericDatePart(cell: unknown): string | undefined {
  if (typeof cell !== 'string') return undefined;
  const { date } = splitDateTime(cell);
  return NUMERIC_DATE.test(date) ? date : undefined;
}
