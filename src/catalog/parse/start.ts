import { resolveTimeZone } from '../../domain/local-time';
import { isBlank, type CellValue } from './cells';
import type { CatalogField } from './columns';
import { twoWay } from './date-order';
import { DATE_HINT, numericDatePart, parseStart, type LocalStart } from './dates';
import type { StartPrecision } from './parsed';
import { hasContent, label, readable, type RecordReading } from './reading';
import { instantInZone, instantOf, placeHint, writtenZoneConflict, zoneFromPlace, type PlaceAnswer, type PlaceQuery } from './zones';

/**
 * A row's start: its date (and time) cells read in its zone. The zone is the one written on the
 * row, else the one its place gives (found with the local start: a place with several zones may
 * still put it at one instant), else DEFAULT_EVENT_TIMEZONE for a row that names no place. Steps,
 * in order: the cells, the zone, the local start, its instant. Pure.
 */

export interface RowStart {
  /** The zone the start was read in; undefined when none could be said, or the start is kept. */
  zone: string | undefined;
  /** The start instant; null when TBA or not read. */
  startsAt: Date | null;
  precision: StartPrecision;
  /** True when the start was read and is plausible; false when it is kept as stored or refused. */
  known: boolean;
}

const NOT_READ: RowStart = { zone: undefined, startsAt: null, precision: 'time', known: false };

/** The start's cells as read: each undefined when absent, or unreadable (then noted). */
interface StartCells {
  zone: CellValue | undefined;
  date: CellValue | undefined;
  time: CellValue | undefined;
  /** Some start cell holds what could not be read: the stored start is kept. */
  unreadable: boolean;
  /** A zone is written on the row. */
  written: boolean;
}

/** The zone before the local start is read: `ok` false when the row's zone was refused (a problem noted). */
interface ZoneStep {
  zone: string | undefined;
  ok: boolean;
}

/** The local start, with the cells it was read from (for messages). */
interface LocalStep {
  start: LocalStart;
  dateCell: CellValue;
  time: string | number | undefined;
}

/**
 * Reads the row's start. Problems go to the reading's problems, notes to its cells; a start cell
 * that cannot be read keeps the stored start (`keep` gets startsAt). `where` is the row's place
 * as its text cells were read.
 */
export function readStart(r: RecordReading, where: PlaceQuery): RowStart {
  const cells = startCells(r);
  // No zone written: where the row says the event is, else the default zone (only for a row
  // that says nothing about its place, and only when the user set one).
  const place = cells.written ? undefined : r.ctx.lookUpPlace(where);
  if (cells.unreadable) {
    r.keep.add('startsAt');
    return NOT_READ;
  }
  const zone = rowZone(r, cells, place, where);
  const local = localStart(r, cells, zone, place);
  if (!local || !zone.ok) return { ...NOT_READ, zone: zone.zone };
  return startInZone(r, local, zone.zone, { written: cells.written, place, where });
}

function startCells(r: RecordReading): StartCells {
  const zone = 'timezone' in r.record ? readable(r, 'timezone') : undefined;
  const date = readable(r, 'startsAt');
  const time = 'startTime' in r.record ? readable(r, 'startTime') : undefined;
  const unreadable =
    (date === undefined && hasContent(r, 'startsAt')) ||
    (time === undefined && hasContent(r, 'startTime')) ||
    (zone === undefined && hasContent(r, 'timezone'));
  return { zone, date, time, unreadable, written: zone !== undefined && !isBlank(zone) };
}

/** The written zone, else none yet when the row names a place, else the default zone. */
function rowZone(r: RecordReading, cells: StartCells, place: PlaceAnswer | undefined, where: PlaceQuery): ZoneStep {
  const { ctx } = r;
  if (cells.written) {
    const z = resolveTimeZone(String(cells.zone));
    if (z.ok) return { zone: z.zone, ok: true };
    const answer = ctx.lookUpPlace(where);
    const hint = answer ? placeHint(answer) : undefined;
    r.problems.push(
      `${label(r, 'timezone')}: ${z.reason}; write the IANA name${hint ? `, here ${hint}` : ' (such as Europe/London or America/Chicago)'}`,
    );
    return { zone: undefined, ok: false };
  }
  // The place's zone is found with the local start (startInZone).
  if (place) return { zone: undefined, ok: true };
  if (ctx.defaultTimeZone) {
    r.cells.push({
      row: r.rowNumber,
      column: label(r, 'timezone'),
      kind: 'zone',
      message: `zone from DEFAULT_EVENT_TIMEZONE: ${ctx.defaultTimeZone} (the row names no zone and no city, state or country)`,
    });
    return { zone: ctx.defaultTimeZone, ok: true };
  }
  r.problems.push(
    `${label(r, 'timezone')}: no zone, and the row names no city, state or country to find it from: write the venue's IANA zone (a Time Zone column), fill City and Country, or set DEFAULT_EVENT_TIMEZONE for such rows`,
  );
  return { zone: undefined, ok: false };
}

/** The date (and time) cells as a local start, in the file's date order; undefined after noting why not. */
function localStart(r: RecordReading, cells: StartCells, zone: ZoneStep, place: PlaceAnswer | undefined): LocalStep | undefined {
  const { record, ctx } = r;
  const dateCell = cells.date;
  if (dateCell === undefined || isBlank(dateCell)) {
    r.problems.push(`${label(r, 'startsAt')}: is empty (write TBA when the date is not announced)`);
    return undefined;
  }
  const orderZone = zone.ok ? (zone.zone ?? place?.candidates[0]?.zone) : undefined;
  const order = ctx.order.orderFor(record.country, orderZone);
  const part = numericDatePart(dateCell);
  const writtenZone = zone.ok && cells.written ? zone.zone : undefined;
  const contradiction = part && twoWay(part) ? ctx.order.contradiction?.(record.country, writtenZone) : undefined;
  if (part && ctx.order.conflict) {
    r.problems.push(`${label(r, 'startsAt')}: "${String(dateCell).trim()}" is not read: ${ctx.order.conflict}`);
    return undefined;
  }
  if (contradiction) {
    r.problems.push(`${label(r, 'startsAt')}: "${String(dateCell).trim()}" is not read: it ${contradiction}`);
    return undefined;
  }
  const timeCell = cells.time;
  const time = (typeof timeCell === 'string' && timeCell.trim() !== '') || typeof timeCell === 'number' ? timeCell : undefined;
  const start =
    typeof dateCell === 'boolean' || dateCell === null
      ? { ok: false as const, reason: `is not a date (${DATE_HINT})` }
      : parseStart(dateCell, time, order);
  if (!start.ok) {
    r.problems.push(`${label(r, start.reason.startsWith('time:') ? 'startTime' : 'startsAt')}: ${start.reason.replace(/^time: /, '')}`);
    return undefined;
  }
  return { start: start.value, dateCell, time };
}

/**
 * The local start as an instant in the row's zone (found from its place now when none was
 * written); a written zone that its place contradicts is noted, and a start outside 1970..2200
 * refused.
 */
function startInZone(
  r: RecordReading,
  local: LocalStep,
  zoneSoFar: string | undefined,
  row: { written: boolean; place: PlaceAnswer | undefined; where: PlaceQuery },
): RowStart {
  const zone = zoneSoFar ?? (row.place ? zoneOfPlace(r, row.place, local.start) : undefined);
  if (zone === undefined) return NOT_READ;
  const instant = instantOf(local.start, zone);
  if (!instant.ok) {
    const written = [local.dateCell, local.time]
      .filter((c) => c !== undefined)
      .map((c) => String(c).trim())
      .join(' ');
    r.problems.push(`${label(r, 'startsAt')}: "${written}" is not read: ${instant.reason}`);
    return { ...NOT_READ, zone };
  }
  const startsAt = instant.instant;
  if (row.written && startsAt) {
    const conflict = writtenZoneConflict(r.ctx.lookUpPlace(row.where), zone, local.start, startsAt);
    if (conflict) r.cells.push({ row: r.rowNumber, column: label(r, 'timezone'), kind: 'check', message: conflict });
  }
  const precision = local.start.precision;
  const year = startsAt?.getUTCFullYear();
  if (year !== undefined && (year < 1970 || year > 2200)) {
    r.problems.push(`${label(r, 'startsAt')}: "${String(local.dateCell).trim()}" is not a plausible event date`);
    return { zone, startsAt, precision, known: false };
  }
  return { zone, startsAt, precision, known: true };
}

/** The zone the row's place gives for its local start (noted), or undefined after noting why none. */
function zoneOfPlace(r: RecordReading, place: PlaceAnswer, start: LocalStart): string | undefined {
  const choice = zoneFromPlace(place, instantInZone(start));
  if (choice.ok) {
    r.cells.push({ row: r.rowNumber, column: placeColumn(r.ctx.headers), kind: 'zone', message: choice.note });
    return choice.zone;
  }
  r.problems.push(`${placeLabel(r)}: ${choice.reason}`);
  return undefined;
}

/** The column a zone found from the place is reported under: the city's, else the state's or country's. */
function placeColumn(headers: Partial<Record<CatalogField, string>>): string {
  return headers.city ?? headers.state ?? headers.country ?? 'City';
}

/** Where a problem with the row's place is reported: its City column (else State, Country). */
function placeLabel(r: RecordReading): string {
  const field = (['city', 'state', 'country'] as const).find((f) => r.ctx.headers[f] !== undefined);
  return field ? `${label(r, field)} (no zone written)` : 'Time Zone';
}
