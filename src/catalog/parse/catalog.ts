import { z } from 'zod';
import { byMarketplace, MARKETPLACE_NAMES, type EventMarketplaceId, type MarketplaceName } from '../../domain/listing';
import { parseBoolean, parseMarketplaceId, spreadsheetError } from './cells';
import { DATE_HINT, numericDateOrders, numericDatePart, parseStart, type DateOrder, type LocalStart } from './dates';
import { formatOffset, resolveTimeZone, wallTimeInstants, zonedWallTimeToInstant } from '../../domain/local-time';
import { countryCode, countryOfZone } from './countries';

/**
 * The event catalog's row model: what one row of the events sheet (or file) means, parsed with
 * zod. Pure: no I/O, safe to import from workflows.
 *
 * Columns are found by header name, never by position. Header names are compared loosely
 * (case, spaces and punctuation ignored), so "Event Date (Local)", "event_date_local" and
 * "EVENT DATE LOCAL" are the same column.
 */

/** A cell as a source hands it over: Sheets' unformatted values, CSV text, JSON scalars. */
export type CellValue = string | number | boolean | null;

/** Rows as read from a source, before any interpretation. Row numbers are the user's. */
export interface RawCatalogTable {
  /** Where the rows came from, for messages ("sheet 1AbC…/Events", "file samples/events.csv"). */
  origin: string;
  headers: string[];
  records: RawRecord[];
}

export interface RawRecord {
  /** The number the user sees: spreadsheet row (header is row 1), CSV record line, JSON item (1-based). */
  rowNumber: number;
  /** Aligned with the table's headers; shorter when trailing cells are empty. */
  cells: CellValue[];
  /** Set when the record could not even be split into cells (a JSON item that is not an object). */
  problem?: string;
}

export const CATALOG_FIELDS = [
  'name',
  'venue',
  'city',
  'state',
  'country',
  'startsAt',
  'startTime',
  'timezone',
  'category',
  'capacity',
  'tracked',
  ...MARKETPLACE_NAMES,
] as const;
export type CatalogField = (typeof CATALOG_FIELDS)[number];

/**
 * Accepted header spellings per field, already normalized (lower case, letters and digits only).
 * The marketplace rows are the one place the marketplaces' sheet headers are listed.
 */
const HEADER_ALIASES: Record<CatalogField, readonly string[]> = {
  // English, German, French, Spanish, Dutch (accents folded by normalizeHeader).
  name: [
    'eventname',
    'name',
    'event',
    'title',
    'eventtitle',
    'veranstaltung',
    'veranstaltungsname',
    'titel',
    'evenement',
    'nom',
    'nomevenement',
    'nomdelevenement',
    'titre',
    'evento',
    'nombre',
    'nombreevento',
    'nombredelevento',
    'titulo',
    'naam',
    'evenementnaam',
    'naamevenement',
  ],
  venue: [
    'venue',
    'venuename',
    'spielort',
    'ort',
    'veranstaltungsort',
    'halle',
    'spielstatte',
    'lieu',
    'salle',
    'nomdelasalle',
    'lugar',
    'recinto',
    'sede',
    'locatie',
    'zaal',
    'podium',
  ],
  city: ['city', 'venuecity', 'stadt', 'ville', 'ciudad', 'stad', 'plaats', 'woonplaats'],
  state: ['state', 'region', 'province', 'stateprovince', 'venuestate', 'bundesland', 'etat', 'estado', 'provincia', 'provincie'],
  country: ['country', 'venuecountry', 'land', 'pays', 'pais'],
  startsAt: [
    'eventdatelocal',
    'date',
    'eventdate',
    'datelocal',
    'datetime',
    'eventdatetime',
    'localdatetime',
    'startslocal',
    'startsat',
    'start',
    'startdate',
    'datum',
    'fecha',
    'showdate',
    'dateetheure',
    'datumuhrzeit',
    'fechayhora',
    'datumentijd',
  ],
  // A separate time-of-day column beside the date ("Date" + "Time").
  startTime: [
    'time',
    'eventtime',
    'starttime',
    'showtime',
    'localtime',
    'timelocal',
    'eventtimelocal',
    'uhrzeit',
    'beginn',
    'heure',
    'heurededebut',
    'hora',
    'horadeinicio',
    'tijd',
    'aanvang',
    'begintijd',
  ],
  timezone: [
    'timezone',
    'tz',
    'timezoneiana',
    'venuetimezone',
    'eventtimezone',
    'localtimezone',
    'timezonelocal',
    'ianazone',
    'ianatimezone',
    'timezonename',
    'zone',
    'zeitzone',
    'fuseauhoraire',
    'fuseau',
    'zonahoraria',
    'husohorario',
    'tijdzone',
  ],
  category: ['category', 'eventcategory', 'type', 'eventtype', 'genre', 'kategorie', 'art', 'categorie', 'categoria', 'tipo'],
  capacity: ['capacity', 'venuecapacity', 'kapazitat', 'capacite', 'capacidad', 'aforo', 'capaciteit'],
  tracked: [
    'istracked',
    'tracked',
    'track',
    'tracking',
    'aktiv',
    'aktiviert',
    'verfolgt',
    'verfolgen',
    'beobachten',
    'suivi',
    'suivre',
    'actif',
    'active',
    'seguimiento',
    'seguir',
    'activo',
    'volgen',
    'gevolgd',
    'actief',
  ],
  // Each marketplace's id column: the aliases its descriptor lists (src/marketplaces).
  ...byMarketplace((m) => m.headerAliases),
};

export const MARKETPLACE_LABELS: Record<MarketplaceName, string> = byMarketplace((m) => m.label);

const FIELD_BY_ALIAS = new Map<string, CatalogField>(
  CATALOG_FIELDS.flatMap((field) => HEADER_ALIASES[field].map((alias) => [alias, field] as const)),
);

/**
 * Lower case, accents folded (NFD, combining marks removed: "Événement" -> "evenement",
 * "Kapazität" -> "kapazitat"), then letters and digits only.
 */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const FIELD_WORDS: Record<CatalogField, string> = Object.fromEntries(CATALOG_FIELDS.map((f) => [f, f])) as Record<CatalogField, string>;
Object.assign(FIELD_WORDS, { startsAt: 'date', startTime: 'time', timezone: 'time zone', ...byMarketplace((m) => `${m.label} id`) });

/**
 * The field an unknown header probably means (it holds, or is part of, a known header name of
 * at least four letters: "Veranstaltungsort (Halle)", "Aktiviert?"), so that such a column is
 * not ignored without a word.
 */
function lookalikeField(header: string): CatalogField | undefined {
  const h = normalizeHeader(header);
  let best: { alias: string; field: CatalogField } | undefined;
  for (const [alias, field] of FIELD_BY_ALIAS) {
    const like = alias.length >= 4 && (h.includes(alias) || (h.length >= 4 && alias.startsWith(h)));
    if (like && (!best || alias.length > best.alias.length)) best = { alias, field };
  }
  return best?.field;
}

/**
 * A column as a message names it: the header as the user wrote it, with what the product reads
 * it as beside it when the header does not say so itself ("viagogoID (StubHub id)",
 * "Veranstaltung (name)"; "Event Date (Local)" alone).
 */
export function columnLabel(field: CatalogField, headers: Partial<Record<CatalogField, string>>): string {
  const header = headers[field];
  const meaning = FIELD_WORDS[field];
  if (header === undefined) return field === 'timezone' ? 'Time Zone (no such column)' : meaning;
  return normalizeHeader(header).includes(normalizeHeader(meaning)) ? header : `${header} (${meaning})`;
}

/** The header to suggest for a field. */
const HEADER_EXAMPLE: Record<CatalogField, string> = {
  name: 'Event Name',
  venue: 'Venue',
  city: 'City',
  state: 'State',
  country: 'Country',
  startsAt: 'Date',
  startTime: 'Time',
  timezone: 'Time Zone',
  category: 'Category',
  capacity: 'Capacity',
  tracked: 'Tracked',
  ...byMarketplace((m) => m.header),
};

/** Raised when the rows as a whole cannot be a catalog (no header, a required column missing). */
export class CatalogFormatError extends Error {
  override name = 'CatalogFormatError';
}

export interface ColumnMap {
  /** Index of each recognised field's column. */
  index: Partial<Record<CatalogField, number>>;
  /** The header as written in the source, per field, for messages. */
  header: Partial<Record<CatalogField, string>>;
  /** Headers that name no field, or name one a column further left already names. */
  ignored: string[];
}

function missingColumns(map: ColumnMap): string[] {
  const missing: string[] = [];
  if (map.index.name === undefined) missing.push('an event name column ("Event Name" or "Name")');
  if (map.index.startsAt === undefined && map.index.startTime === undefined) missing.push('a date column ("Event Date (Local)" or "Date")');
  if (!MARKETPLACE_NAMES.some((m) => map.index[m] !== undefined)) {
    missing.push(`a marketplace id column (${Object.values(byMarketplace((m) => `"${m.header}"`)).join(', ')})`);
  }
  return missing;
}

/** Finds each field's column by header. The leftmost column wins when two name the same field. */
export function mapColumns(headers: readonly string[]): ColumnMap {
  const map: ColumnMap = { index: {}, header: {}, ignored: [] };
  headers.forEach((raw, i) => {
    const header = raw.trim();
    if (header === '') return;
    const field = FIELD_BY_ALIAS.get(normalizeHeader(header));
    if (field && map.index[field] !== undefined) {
      map.ignored.push(`${header} (a second ${FIELD_WORDS[field]} column: "${map.header[field]}" is read)`);
      return;
    }
    if (!field) {
      const like = lookalikeField(header);
      map.ignored.push(
        like
          ? `${header} (looks like the ${FIELD_WORDS[like]} column but is not a header this reader knows: rename it "${HEADER_EXAMPLE[like]}")`
          : header,
      );
      return;
    }
    map.index[field] = i;
    map.header[field] = header;
  });
  // A lone "Start Time" column holding whole dates and times is the date column.
  if (map.index.startsAt === undefined && map.index.startTime !== undefined) {
    map.index.startsAt = map.index.startTime;
    map.header.startsAt = map.header.startTime;
    delete map.index.startTime;
    delete map.header.startTime;
  }
  const missing = missingColumns(map);
  if (missing.length > 0) {
    throw new CatalogFormatError(
      `the header row lacks ${missing.join('; ')} (headers found: ${
        headers
          .filter((h) => h.trim())
          .map((h) => `"${h}"`)
          .join(', ') || 'none'
      })`,
    );
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// Cells

/** Text cells: trimmed; empty means absent. Numbers and booleans are written as text. */
const text = (max: number) =>
  z.preprocess(
    (v) => {
      if (v === null || v === undefined) return undefined;
      const s = String(v).trim();
      return s === '' ? undefined : s;
    },
    z.string().max(max, `is longer than ${max} characters`).optional(),
  );

const capacity = z.preprocess(
  (v) => {
    if (v === null || v === undefined) return undefined;
    if (typeof v === 'number') return v;
    const s = String(v)
      .trim()
      .replace(/[,.\s_']/g, '');
    if (s === '') return undefined;
    return /^\d+$/.test(s) ? Number(s) : v;
  },
  z
    .number({ error: 'is not a whole number' })
    .int('is not a whole number')
    .positive('must be positive')
    .max(2_000_000, 'is too large')
    .optional(),
);

const TEXT_FIELDS = {
  name: text(300),
  venue: text(300),
  city: text(200),
  state: text(200),
  country: text(200),
  category: text(100),
} as const;
type TextField = keyof typeof TEXT_FIELDS;

// ---------------------------------------------------------------------------------------------
// Rows

/** How much of the start is known: a time, only the date (time TBA), or nothing yet (TBA). */
export type StartPrecision = 'time' | 'date' | 'tba';

/**
 * Fields whose cell could not be read (a spreadsheet error value, damaged text, a bad id or
 * capacity): the event keeps the value it has. `startsAt` covers the start, its precision and
 * its zone together.
 */
export type KeptField = Exclude<CatalogField, 'startTime' | 'timezone'>;

/** One usable catalog row, as the database stores it. */
export interface CatalogRow {
  rowNumber: number;
  name: string;
  venue: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  /** The start instant; for a date without a time, local midnight of that date; null when TBA. */
  startsAt: Date | null;
  startPrecision: StartPrecision;
  /** The row's time zone, or the configured default: the zone its date was read in. */
  timezone: string;
  category: string | null;
  capacity: number | null;
  tracked: boolean;
  /** In MARKETPLACE_NAMES order. Empty only when an id cell was unreadable (see `keep`). */
  marketplaceIds: EventMarketplaceId[];
  /** Fields to keep as stored (their values above are placeholders). */
  keep: KeptField[];
}

export interface InvalidRow {
  row: number;
  reason: string;
  /** The marketplace ids that could be read from the row anyway, so its event is not taken for removed. */
  marketplaceIds: EventMarketplaceId[];
  /** Some id cell of the row could not be read: the row may name an event the sync cannot tell. */
  unreadableIds?: boolean;
}

export interface DuplicateRow {
  row: number;
  /** The earlier row that was kept. */
  firstRow: number;
  reason: string;
}

/** A cell the sync could not use as written (the rest of its row was used), or an id read from a link. */
export interface CellNote {
  row: number;
  /** The column's header as written in the source. */
  column: string;
  /** unreadable, invalid: the stored value kept; link: an id read from an event link; normalized: an id as a spreadsheet wrote it (5640001.0); zone: the zone found from the row's place (or the default zone); check: a value used as written that the row's place contradicts. */
  kind: 'unreadable' | 'invalid' | 'link' | 'normalized' | 'zone' | 'check';
  message: string;
}

/** The date order a file's numeric dates (14/03/2027, 3.14.2027) were read in, and why. */
export interface DateOrderDecision {
  order: DateOrder | 'undecided';
  basis: string;
}

export type DateOrderSetting = 'auto' | DateOrder;

export interface ParsedCatalog {
  origin: string;
  rows: CatalogRow[];
  invalid: InvalidRow[];
  duplicates: DuplicateRow[];
  cells: CellNote[];
  /** Set when the file has numeric dates. */
  dateOrder?: DateOrderDecision;
  /** How the source was read (encoding, delimiter), for the report. */
  notes: string[];
  /** Rows with nothing in any recognised column: skipped without a word. */
  blank: number;
  ignoredColumns: string[];
}

export interface CatalogOptions {
  /** DEFAULT_EVENT_TIMEZONE: only for rows that say nothing about their place; unset, such rows are refused. */
  defaultTimeZone?: string | undefined;
  /** Where a row's city, state and country are (src/catalog/places.ts, which reads package data: hence passed in). */
  lookUpPlace: PlaceLookup;
  /** DATE_ORDER: only used when no row of the file proves the order. */
  dateOrder?: DateOrderSetting;
}

function isBlank(v: CellValue | undefined): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

const MONTH_FIRST_COUNTRIES = new Set(['US', 'CA']);

/**
 * The usual order of a row's country (its Country cell, else the country of its time zone):
 * month-first in the US and Canada, day-first elsewhere; undefined when neither says.
 */
function orderOfCountry(country: CellValue | undefined, zone?: string): DateOrder | undefined {
  let codes = typeof country === 'string' && countryCode(country) ? [countryCode(country)!] : [];
  if (codes.length === 0 && zone) codes = [countryOfZone(zone)].filter((c): c is string => c !== undefined);
  if (codes.length === 0) return undefined;
  const monthFirst = codes.map((c) => MONTH_FIRST_COUNTRIES.has(c));
  return monthFirst.every(Boolean) ? 'mdy' : monthFirst.some(Boolean) ? undefined : 'dmy';
}

interface OrderPlan {
  decision?: DateOrderDecision;
  /** The order for the file's rows, or undefined when none can be said. */
  orderFor(country: CellValue | undefined, zone?: string): DateOrder | undefined;
  /** Set when the file proves both orders and nothing decides: numeric dates are refused. */
  conflict?: string;
  /**
   * Why a row's date that reads both ways is not read, when the row's own country (or written
   * zone) implies the order other than the one the file's proving rows show: one proving row
   * does not flip the rows of another country's order.
   */
  contradiction?(country: CellValue | undefined, writtenZone: string | undefined): string | undefined;
}

const ORDER_NAME: Record<DateOrder, string> = { dmy: 'day-first', mdy: 'month-first' };

/** A numeric date that reads both ways, where a country's habit matters (dotted dates are day-first everywhere). */
const twoWay = (part: string): boolean => !part.includes('.') && numericDateOrders(part)?.length === 2;

/**
 * Decides the order of a file's numeric dates: an explicit DATE_ORDER (dmy or mdy) decides, and
 * rows that can only be read the other way are refused. With `auto`: rows that can only be read
 * one way prove it, else the rows' countries (US and CA month-first, elsewhere day-first). When
 * the proof contradicts a row's own country (or written zone), that row's dates that read both
 * ways are refused rather than flipped, naming the conflict and DATE_ORDER.
 *
 * `zone` is the zone the row is read in (its written zone, else the default zone) and only
 * votes when no row proves the order; `writtenZone` is the zone written on the row.
 */
export function decideDateOrder(
  rows: { row: number; date: CellValue | undefined; country: CellValue | undefined; zone?: string; writtenZone?: string }[],
  setting: DateOrderSetting = 'auto',
): OrderPlan {
  const proof: Record<DateOrder, { row: number; text: string }[]> = { dmy: [], mdy: [] };
  let numeric = 0;
  for (const r of rows) {
    const part = numericDatePart(r.date);
    if (!part) continue;
    numeric++;
    const orders = numericDateOrders(part) ?? [];
    if (orders.length === 1) proof[orders[0]!].push({ row: r.row, text: part });
  }
  const fixed = (order: DateOrder, basis: string): OrderPlan => ({
    decision: numeric > 0 ? { order, basis } : undefined,
    orderFor: () => order,
  });
  const cite = (p: { row: number; text: string }[]): string =>
    `row ${p[0]!.row} (${p[0]!.text})${p.length > 1 ? ` and ${p.length - 1} more` : ''}`;
  if (setting !== 'auto') {
    const against = proof[setting === 'dmy' ? 'mdy' : 'dmy'];
    return fixed(
      setting,
      `DATE_ORDER=${setting}${against.length > 0 ? `; ${cite(against)} can only be ${ORDER_NAME[setting === 'dmy' ? 'mdy' : 'dmy']} and is refused` : ''}`,
    );
  }
  const fallback = (why: string): OrderPlan => {
    const numericRows = rows.filter((r) => numericDatePart(r.date));
    if (numericRows.length === 0) return { orderFor: () => undefined };
    // Dotted dates (13.03.2027) are day-first wherever they are written.
    if (numericRows.every((r) => numericDatePart(r.date)!.includes('.')))
      return fixed('dmy', `${why}: dotted dates are day-first (DD.MM.YYYY)`);
    // One file, one author's format: the order of most rows' countries, not each row's own.
    const votes = { mdy: 0, dmy: 0 };
    for (const r of numericRows) {
      const o = orderOfCountry(r.country, r.zone);
      if (o) votes[o]++;
    }
    if (votes.mdy === votes.dmy) {
      return {
        decision: { order: 'undecided', basis: `${why}, and the rows' countries do not say: set DATE_ORDER=dmy or mdy` },
        orderFor: () => undefined,
      };
    }
    const order: DateOrder = votes.mdy > votes.dmy ? 'mdy' : 'dmy';
    return fixed(
      order,
      `${why}: ${votes[order]} of ${numericRows.length} rows are in ${order === 'mdy' ? 'US or CA' : 'countries outside US and CA'} by their country or time zone (DATE_ORDER=auto)`,
    );
  };
  const proven = (order: DateOrder): OrderPlan => {
    const other: DateOrder = order === 'dmy' ? 'mdy' : 'dmy';
    const because = `${cite(proof[order])} can only be ${ORDER_NAME[order]}`;
    // Rows of the other order's countries whose dates read both ways: the proof cannot say them.
    const contradicting = rows.filter((r) => {
      const part = numericDatePart(r.date);
      return part && twoWay(part) && orderOfCountry(r.country, r.writtenZone) === other;
    });
    const plan: OrderPlan = {
      decision: { order, basis: because },
      orderFor: () => order,
      contradiction: (country, writtenZone) =>
        orderOfCountry(country, writtenZone) === other
          ? `reads both ways, and this row's ${typeof country === 'string' && countryCode(country) ? `country (${countryCode(country)})` : `time zone (${writtenZone})`} writes ${ORDER_NAME[other]} dates while ${because}: set DATE_ORDER=${other} or ${order}, or write the date as YYYY-MM-DD`
          : undefined,
    };
    if (contradicting.length > 0) {
      plan.decision!.basis += `; ${contradicting.length} row${contradicting.length > 1 ? 's' : ''} (${contradicting.map((r) => r.row).join(', ')}) whose country writes ${ORDER_NAME[other]} dates and whose date reads both ways ${contradicting.length > 1 ? 'are' : 'is'} refused, not flipped: set DATE_ORDER`;
    }
    return plan;
  };
  if (proof.dmy.length > 0 && proof.mdy.length === 0) return proven('dmy');
  if (proof.mdy.length > 0 && proof.dmy.length === 0) return proven('mdy');
  if (proof.dmy.length === 0) return fallback('no row proves the order');
  const conflict = `the file has both day-first dates (${cite(proof.dmy)}) and month-first dates (${cite(proof.mdy)}): set DATE_ORDER=dmy or mdy`;
  return {
    decision: { order: 'undecided', basis: conflict },
    orderFor: () => undefined,
    conflict,
  };
}

// ---------------------------------------------------------------------------------------------
// The zone from where the event is

/** A row's place as its cells write it. */
export interface PlaceQuery {
  city?: string | undefined;
  state?: string | undefined;
  country?: string | undefined;
}

/** A place the row's cells may mean, with the IANA zone at its coordinates. */
export interface PlaceCandidate {
  /** For messages: "Portland, ME, US", "Perth, Western Australia, AU". */
  place: string;
  country: string;
  /** People there (for a state, the sum over its places in that zone; for a country, a rank). */
  population: number;
  zone: string;
}

export interface PlaceAnswer {
  /** What the cells were read as, for messages: "Portland, ME, US". */
  what: string;
  /** Which cell found the candidates: a city, else a state or province, else the country. */
  basis: 'city' | 'state' | 'country';
  /** Most populous first; empty when nothing matched. */
  candidates: PlaceCandidate[];
  /** Cells that were not used, and why ("XY" is not a state this reader knows). */
  notes: string[];
}

/** Finds the places a row names; undefined when the row names none (no city, state or country). */
export type PlaceLookup = (query: PlaceQuery) => PlaceAnswer | undefined;

/** How much larger the largest place must be than every other of its name in another zone to be the one meant (Perth, AU; Las Vegas, US). */
export const DOMINANT_PLACE_RATIO = 20;

export type ZoneChoice = { ok: true; zone: string; note: string } | { ok: false; reason: string };

/** The largest candidate of each zone, most populous first: "Portland, OR, US (America/Los_Angeles), Portland, ME, US (America/New_York)". */
const listCandidates = (all: PlaceCandidate[]): string => {
  const candidates = all.filter((c, i) => all.findIndex((o) => o.zone === c.zone) === i);
  // A state's or a country's zones: the place is said once, before the list.
  if (candidates.every((c) => c.place === candidates[0]?.place)) return listed(candidates.map((c) => ({ ...c, place: c.country })));
  return listed(candidates);
};
const listed = (candidates: PlaceCandidate[]): string =>
  candidates
    .slice(0, 6)
    .map((c) => (c.place === c.country ? c.zone : `${c.place} (${c.zone})`))
    .join(', ') + (candidates.length > 6 ? ` and ${candidates.length - 6} more` : '');

/**
 * The zone a row's place gives, or why none can be said. One zone among the candidates, or
 * several that put the row's local start at one instant (Detroit and New York), is used; for a
 * city, so is the zone of a place at least DOMINANT_PLACE_RATIO times larger than every other
 * of its name in a zone with another instant. Otherwise the row is refused with the candidates.
 * `instantIn` gives the row's start in a zone (undefined when it cannot: TBA, a skipped hour).
 */
export function zoneFromPlace(answer: PlaceAnswer, instantIn: (zone: string) => number | undefined): ZoneChoice {
  const notes = answer.notes.length > 0 ? ` (${answer.notes.join('; ')})` : '';
  const [top, ...rest] = answer.candidates;
  if (!top)
    return {
      ok: false,
      reason: `${answer.notes.join('; ') || `"${answer.what}" is not a place this reader knows`}; or write the venue's IANA zone in a Time Zone column`,
    };
  const at = instantIn(top.zone);
  const differing = rest.filter((c) => c.zone !== top.zone && (at === undefined || instantIn(c.zone) !== at));
  const from = `zone from ${answer.basis}: ${top.zone}`;
  if (differing.length === 0) {
    const sameInstant = rest.some((c) => c.zone !== top.zone);
    return { ok: true, zone: top.zone, note: `${from} (${top.place}${sameInstant ? '; its other zones give the same time' : ''})${notes}` };
  }
  const runnerUp = Math.max(...differing.map((c) => c.population));
  if (answer.basis === 'city' && top.population >= DOMINANT_PLACE_RATIO * Math.max(runnerUp, 1)) {
    return {
      ok: true,
      zone: top.zone,
      note: `${from} (${top.place}, the largest "${answer.what.split(',')[0]}"; also ${listCandidates(differing.slice(0, 2))})${notes}`,
    };
  }
  const what =
    answer.basis === 'country'
      ? `${answer.notes.length > 0 ? `${answer.notes.join('; ')}, and ` : ''}${answer.what} has several time zones`
      : `"${answer.what}" is in several time zones${notes}`;
  const advice =
    answer.basis === 'city'
      ? 'add a State column (or write "City, ST"), or write the zone in a Time Zone column'
      : answer.notes.length > 0
        ? 'check the City and State cells, or write the zone in a Time Zone column'
        : 'fill City, or write the zone in a Time Zone column';
  return { ok: false, reason: `${what}: ${listCandidates([top, ...differing])}; ${advice}` };
}

/**
 * When the row's written zone puts its start at another instant than the zone of its place
 * (Vancouver written as America/Toronto, Paris in July as GMT+1): what to check. The written
 * zone is used (a person wrote it); undefined when they agree or the place says no one zone.
 */
function writtenZoneConflict(answer: PlaceAnswer | undefined, zone: string, start: LocalStart, at: Date): string | undefined {
  if (!answer || answer.candidates.length === 0) return undefined;
  const instantIn = (z: string): number | undefined => {
    const r = instantOf(start, z);
    return r.ok && r.instant ? r.instant.getTime() : undefined;
  };
  const choice = zoneFromPlace(answer, instantIn);
  if (!choice.ok || choice.zone === zone) return undefined;
  const there = instantIn(choice.zone);
  if (there === undefined || there === at.getTime()) return undefined;
  return `${zone} puts the start at ${at.toISOString()}, but ${answer.candidates[0]!.place} is ${choice.zone} (${new Date(there).toISOString()}): the written zone is used; check it`;
}

/** For a refused zone cell: the zone the place suggests ("probably America/Chicago (Nashville, TN, US)"), or its candidates. */
function placeHint(answer: PlaceAnswer): string | undefined {
  const choice = zoneFromPlace(answer, () => undefined);
  if (choice.ok) return `probably ${choice.zone} (from ${answer.candidates[0]?.place ?? answer.what})`;
  if (answer.candidates.length > 0) return `one of ${listCandidates(answer.candidates)}`;
  return undefined;
}

/** The column a zone found from the place is reported under: the city's, else the state's or country's. */
function placeColumn(headers: Partial<Record<CatalogField, string>>): string {
  return headers.city ?? headers.state ?? headers.country ?? 'City';
}

type Instant = { ok: true; instant: Date | null } | { ok: false; reason: string };

/**
 * The instant of a local start in a zone (null when TBA; local midnight for a date only). A
 * wall time the zone skips (clocks forward) or repeats (clocks back) is refused: either reading
 * is a guess an hour off; a written UTC offset says which.
 */
function instantOf(start: LocalStart, zone: string): Instant {
  if (start.precision === 'tba') return { ok: true, instant: null };
  const { year, month, day } = start.date;
  if (start.precision === 'date')
    return { ok: true, instant: zonedWallTimeToInstant({ year, month, day, hour: 0, minute: 0, second: 0 }, zone) };
  const { hour, minute, second } = start.time;
  if (start.offsetMinutes !== undefined)
    return { ok: true, instant: new Date(Date.UTC(year, month - 1, day, hour, minute, second) - start.offsetMinutes * 60_000) };
  const wall = { year, month, day, hour, minute, second };
  const local = `${year}-${pad2(month)}-${pad2(day)} ${pad2(hour)}:${pad2(minute)}`;
  const instants = wallTimeInstants(wall, zone);
  if (instants.length === 1) return { ok: true, instant: instants[0]! };
  if (instants.length === 0) {
    return {
      ok: false,
      reason: `${local} does not exist in ${zone} (the clocks go forward over it): check the time; write it with its UTC offset if it is meant`,
    };
  }
  const offsets = instants.map((t) =>
    formatOffset(Math.round((Date.UTC(year, month - 1, day, hour, minute, second) - t.getTime()) / 60_000)),
  );
  return {
    ok: false,
    reason: `${local} happens twice in ${zone} (the clocks go back over it): write which with its UTC offset, ${offsets[0]} for the first or ${offsets[1]} for the second (in the time zone column, or right after the time: ${pad2(hour)}:${pad2(minute)}${offsets[0]})`,
  };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

interface RowContext {
  defaultTimeZone: string | undefined;
  lookUpPlace: PlaceLookup;
  headers: Partial<Record<CatalogField, string>>;
  order: OrderPlan;
}

/**
 * Validates one record (already keyed by field). Cells that cannot be read are noted and their
 * fields kept as stored; problems that leave the row without a name, a start or an event are
 * the row's reason for being invalid. Exported for tests of single rows.
 */
export function parseCatalogRecord(
  record: Partial<Record<CatalogField, CellValue>>,
  rowNumber: number,
  opts: {
    defaultTimeZone?: string | undefined;
    lookUpPlace: PlaceLookup;
    headers?: Partial<Record<CatalogField, string>>;
    dateOrder?: DateOrderSetting;
    order?: OrderPlan;
  },
): { ok: true; row: CatalogRow; cells: CellNote[] } | { ok: false; invalid: InvalidRow; cells: CellNote[] } {
  const ctx: RowContext = {
    defaultTimeZone: opts.defaultTimeZone,
    lookUpPlace: opts.lookUpPlace,
    headers: opts.headers ?? {},
    order:
      opts.order ??
      decideDateOrder([{ row: rowNumber, date: record.startsAt, country: record.country, zone: opts.defaultTimeZone }], opts.dateOrder),
  };
  const label = (f: CatalogField): string => columnLabel(f, ctx.headers);
  /** Where a problem with the row's place is reported: its City column (else State, Country). */
  const placeLabel = (): string => {
    const field = (['city', 'state', 'country'] as const).find((f) => ctx.headers[f] !== undefined);
    return field ? `${label(field)} (no zone written)` : 'Time Zone';
  };
  const problems: string[] = [];
  const cells: CellNote[] = [];
  const keep = new Set<KeptField>();
  const note = (f: CatalogField, kind: CellNote['kind'], message: string): void => {
    cells.push({ row: rowNumber, column: label(f), kind, message });
  };
  /** A cell's value, or undefined after noting why it cannot be read. */
  const readable = (f: CatalogField): CellValue | undefined => {
    const v = record[f];
    const error = spreadsheetError(v);
    if (error) {
      note(f, 'unreadable', `${error} (a spreadsheet error value): the stored value is kept`);
      return undefined;
    }
    if (typeof v === 'string' && v.includes('\uFFFD')) {
      note(
        f,
        'unreadable',
        `"${v.trim()}" holds a replacement character (U+FFFD): its text was damaged by a wrong encoding before it reached the catalog; the stored value is kept`,
      );
      return undefined;
    }
    return v === null ? undefined : v;
  };

  const textValue = (f: TextField): string | undefined => {
    if (!(f in record)) return undefined;
    const v = readable(f);
    if (v === undefined && !isBlank(record[f] ?? null)) {
      keep.add(f);
      return undefined;
    }
    const r = TEXT_FIELDS[f].safeParse(v);
    if (r.success) return r.data;
    const message = r.error.issues[0]?.message ?? 'is not valid';
    if (f === 'name') problems.push(`${label(f)}: ${message}`);
    else {
      note(f, 'invalid', `${message}: the stored value is kept`);
      keep.add(f);
    }
    return undefined;
  };

  const name = textValue('name');
  const venue = textValue('venue');
  const city = textValue('city');
  const state = textValue('state');
  const country = textValue('country');
  const category = textValue('category');
  if (name === undefined && !keep.has('name') && !problems.some((p) => p.startsWith(`${label('name')}:`)))
    problems.push(`${label('name')}: is empty`);

  let cap: number | undefined;
  if ('capacity' in record) {
    const v = readable('capacity');
    if (v === undefined && !isBlank(record.capacity ?? null)) keep.add('capacity');
    else {
      const r = capacity.safeParse(v);
      if (r.success) cap = r.data;
      else {
        note('capacity', 'invalid', `"${String(v)}" ${r.error.issues[0]?.message ?? 'is not valid'}: the stored value is kept`);
        keep.add('capacity');
      }
    }
  }

  let tracked = true;
  if ('tracked' in record) {
    const v = readable('tracked');
    if (v === undefined && !isBlank(record.tracked ?? null)) keep.add('tracked');
    else {
      const b = parseBoolean(v);
      if (b === undefined)
        problems.push(
          `${label('tracked')}: must be TRUE/FALSE (or WAHR/FALSCH, VRAI/FAUX, VERDADERO/FALSO, WAAR/ONWAAR), yes/no, x or 1/0, not "${String(v)}"`,
        );
      else tracked = b;
    }
  }

  const marketplaceIds: EventMarketplaceId[] = [];
  for (const marketplace of MARKETPLACE_NAMES) {
    if (!(marketplace in record)) continue;
    const v = readable(marketplace);
    if (v === undefined) {
      if (!isBlank(record[marketplace] ?? null)) keep.add(marketplace);
      continue;
    }
    const id = parseMarketplaceId(v, marketplace);
    if (id.kind === 'id') marketplaceIds.push({ marketplace, marketplaceEventId: id.id });
    else if (id.kind === 'link') {
      marketplaceIds.push({ marketplace, marketplaceEventId: id.id });
      note(marketplace, 'link', `id ${id.id} taken from the event link`);
    } else if (id.kind === 'normalized') {
      marketplaceIds.push({ marketplace, marketplaceEventId: id.id });
      note(
        marketplace,
        'normalized',
        `"${id.written}" read as id ${id.id} (a spreadsheet or pandas wrote the id as a number with a fraction)`,
      );
    } else if (id.kind === 'invalid') {
      note(marketplace, 'invalid', `"${String(v).trim()}" ${id.reason}`);
      keep.add(marketplace);
    }
  }
  const keptIds = MARKETPLACE_NAMES.filter((m) => keep.has(m));
  if (marketplaceIds.length === 0 && keptIds.length === 0) {
    const columns = MARKETPLACE_NAMES.filter((m) => ctx.headers[m] !== undefined).map((m) => columnLabel(m, ctx.headers));
    problems.push(`no marketplace id: fill at least one of ${(columns.length > 0 ? columns : MARKETPLACE_NAMES).join(', ')}`);
  }

  // The start: date (+ time) cells read in the row's zone.
  let zone: string | undefined;
  let startsAt: Date | null = null;
  let precision: StartPrecision = 'time';
  let startKnown = false;
  const tzCell = 'timezone' in record ? readable('timezone') : undefined;
  const dateCell = readable('startsAt');
  const timeCell = 'startTime' in record ? readable('startTime') : undefined;
  const startUnreadable =
    (dateCell === undefined && !isBlank(record.startsAt ?? null)) ||
    (timeCell === undefined && !isBlank(record.startTime ?? null)) ||
    (tzCell === undefined && !isBlank(record.timezone ?? null));
  // No zone written: where the row says the event is, else the default zone (only for a row
  // that says nothing about its place, and only when the user set one).
  const written = tzCell !== undefined && !isBlank(tzCell);
  const place = written ? undefined : ctx.lookUpPlace({ city, state, country });
  if (startUnreadable) keep.add('startsAt');
  else {
    let zoneOk = true;
    if (written) {
      const z = resolveTimeZone(String(tzCell));
      if (z.ok) zone = z.zone;
      else {
        zoneOk = false;
        const answer = ctx.lookUpPlace({ city, state, country });
        const hint = answer ? placeHint(answer) : undefined;
        problems.push(
          `${label('timezone')}: ${z.reason}; write the IANA name${hint ? `, here ${hint}` : ' (such as Europe/London or America/Chicago)'}`,
        );
      }
    } else if (!place) {
      if (ctx.defaultTimeZone) {
        zone = ctx.defaultTimeZone;
        cells.push({
          row: rowNumber,
          column: label('timezone'),
          kind: 'zone',
          message: `zone from DEFAULT_EVENT_TIMEZONE: ${zone} (the row names no zone and no city, state or country)`,
        });
      } else {
        zoneOk = false;
        problems.push(
          `${label('timezone')}: no zone, and the row names no city, state or country to find it from: write the venue's IANA zone (a Time Zone column), fill City and Country, or set DEFAULT_EVENT_TIMEZONE for such rows`,
        );
      }
    }
    if (dateCell === undefined || isBlank(dateCell)) {
      problems.push(`${label('startsAt')}: is empty (write TBA when the date is not announced)`);
    } else {
      const orderZone = zoneOk ? (zone ?? place?.candidates[0]?.zone) : undefined;
      const order = ctx.order.orderFor(record.country, orderZone);
      const part = numericDatePart(dateCell);
      const writtenZone = zoneOk && written ? zone : undefined;
      const contradiction = part && twoWay(part) ? ctx.order.contradiction?.(record.country, writtenZone) : undefined;
      if (part && ctx.order.conflict)
        problems.push(`${label('startsAt')}: "${String(dateCell).trim()}" is not read: ${ctx.order.conflict}`);
      else if (contradiction) problems.push(`${label('startsAt')}: "${String(dateCell).trim()}" is not read: it ${contradiction}`);
      else {
        const time = (typeof timeCell === 'string' && timeCell.trim() !== '') || typeof timeCell === 'number' ? timeCell : undefined;
        const start =
          typeof dateCell === 'boolean' || dateCell === null
            ? { ok: false as const, reason: `is not a date (${DATE_HINT})` }
            : parseStart(dateCell, time, order);
        if (!start.ok)
          problems.push(`${label(start.reason.startsWith('time:') ? 'startTime' : 'startsAt')}: ${start.reason.replace(/^time: /, '')}`);
        else if (zoneOk) {
          if (zone === undefined && place) {
            const local = start.value;
            const choice = zoneFromPlace(place, (z) => {
              const at = instantOf(local, z);
              return at.ok && at.instant ? at.instant.getTime() : undefined;
            });
            if (choice.ok) {
              zone = choice.zone;
              cells.push({ row: rowNumber, column: placeColumn(ctx.headers), kind: 'zone', message: choice.note });
            } else problems.push(`${placeLabel()}: ${choice.reason}`);
          }
          const instant = zone === undefined ? undefined : instantOf(start.value, zone);
          if (instant && !instant.ok)
            problems.push(
              `${label('startsAt')}: "${[dateCell, time]
                .filter((c) => c !== undefined)
                .map((c) => String(c).trim())
                .join(' ')}" is not read: ${instant.reason}`,
            );
          else if (instant) {
            startsAt = instant.instant;
            if (written && startsAt) {
              const conflict = writtenZoneConflict(ctx.lookUpPlace({ city, state, country }), zone!, start.value, startsAt);
              if (conflict) cells.push({ row: rowNumber, column: label('timezone'), kind: 'check', message: conflict });
            }
            precision = start.value.precision;
            const year = startsAt?.getUTCFullYear();
            if (year !== undefined && (year < 1970 || year > 2200))
              problems.push(`${label('startsAt')}: "${String(dateCell).trim()}" is not a plausible event date`);
            else startKnown = true;
          }
        }
      }
    }
  }

  if (problems.length > 0 || (name === undefined && !keep.has('name')) || (!startKnown && !keep.has('startsAt'))) {
    return {
      ok: false,
      invalid: { row: rowNumber, reason: problems.join('; '), marketplaceIds, ...(keptIds.length > 0 ? { unreadableIds: true } : {}) },
      cells,
    };
  }
  return {
    ok: true,
    cells,
    row: {
      rowNumber,
      name: name ?? '',
      venue: venue ?? null,
      city: city ?? null,
      state: state ?? null,
      country: country ?? null,
      startsAt,
      startPrecision: precision,
      // A kept start keeps its stored zone too (the sync puts it back).
      timezone: zone ?? ctx.defaultTimeZone ?? 'UTC',
      category: category ?? null,
      capacity: cap ?? null,
      tracked,
      marketplaceIds,
      keep: [...keep],
    },
  };
}

/**
 * Turns a raw table into catalog rows. Never throws for a bad row (it goes to `invalid` with
 * its row number and reason) or a bad cell (noted in `cells`, the rest of the row used); throws
 * CatalogFormatError only when the table as a whole is not a catalog. Duplicates — a
 * marketplace id, or the same name, venue and start, seen on an earlier row — keep the earlier row.
 */
export function parseCatalog(table: RawCatalogTable, opts: CatalogOptions): ParsedCatalog {
  if (table.headers.every((h) => h.trim() === '')) throw new CatalogFormatError('it is empty: no header row (nor any named field)');
  const columns = mapColumns(table.headers);
  const fields = CATALOG_FIELDS.filter((f) => columns.index[f] !== undefined);
  const out: ParsedCatalog = {
    origin: table.origin,
    rows: [],
    invalid: [],
    duplicates: [],
    cells: [],
    notes: [],
    blank: 0,
    ignoredColumns: columns.ignored,
  };
  const records: { rowNumber: number; record: Partial<Record<CatalogField, CellValue>> }[] = [];
  for (const rec of table.records) {
    if (rec.problem !== undefined) {
      out.invalid.push({ row: rec.rowNumber, reason: rec.problem, marketplaceIds: [] });
      continue;
    }
    const record: Partial<Record<CatalogField, CellValue>> = {};
    for (const f of fields) record[f] = rec.cells[columns.index[f]!] ?? null;
    if (fields.every((f) => isBlank(record[f]))) {
      out.blank++;
      continue;
    }
    records.push({ rowNumber: rec.rowNumber, record });
  }
  const writtenZoneOf = (r: Partial<Record<CatalogField, CellValue>>): string | undefined => {
    const z = typeof r.timezone === 'string' && r.timezone.trim() !== '' ? resolveTimeZone(r.timezone) : undefined;
    return z?.ok ? z.zone : undefined;
  };
  const cellText = (v: CellValue | undefined): string | undefined =>
    typeof v === 'string' || typeof v === 'number' ? String(v).trim() || undefined : undefined;
  // For the date order's vote only: the zone the row is read in, or its place's likeliest.
  const zoneOf = (r: Partial<Record<CatalogField, CellValue>>): string | undefined =>
    writtenZoneOf(r) ??
    opts.lookUpPlace({ city: cellText(r.city), state: cellText(r.state), country: cellText(r.country) })?.candidates[0]?.zone ??
    opts.defaultTimeZone;
  const order = decideDateOrder(
    records.map((r) => ({
      row: r.rowNumber,
      date: r.record.startsAt,
      country: r.record.country,
      zone: zoneOf(r.record),
      writtenZone: writtenZoneOf(r.record),
    })),
    opts.dateOrder,
  );
  if (order.decision) out.dateOrder = order.decision;
  const firstById = new Map<string, number>();
  const firstByIdentity = new Map<string, number>();
  for (const { rowNumber, record } of records) {
    const result = parseCatalogRecord(record, rowNumber, {
      defaultTimeZone: opts.defaultTimeZone,
      lookUpPlace: opts.lookUpPlace,
      headers: columns.header,
      order,
    });
    out.cells.push(...result.cells);
    if (!result.ok) {
      out.invalid.push(result.invalid);
      continue;
    }
    const row = result.row;
    const dupe = duplicateOf(row, firstById, firstByIdentity, columns.header);
    if (dupe) {
      out.duplicates.push({ row: row.rowNumber, firstRow: dupe.firstRow, reason: dupe.reason });
      continue;
    }
    for (const s of row.marketplaceIds) firstById.set(`${s.marketplace}:${s.marketplaceEventId}`, row.rowNumber);
    if (!row.keep.includes('name') && !row.keep.includes('startsAt')) firstByIdentity.set(identityOf(row), row.rowNumber);
    out.rows.push(row);
  }
  return out;
}

/** Name, venue and start: how a row with no readable id is recognised. */
export function identityOf(row: Pick<CatalogRow, 'name' | 'venue' | 'startsAt'>): string {
  return [row.name.toLowerCase(), (row.venue ?? '').toLowerCase(), row.startsAt?.getTime() ?? 'tba'].join('\u0000');
}

function duplicateOf(
  row: CatalogRow,
  byId: Map<string, number>,
  byIdentity: Map<string, number>,
  headers: Partial<Record<CatalogField, string>>,
): { firstRow: number; reason: string } | undefined {
  for (const s of row.marketplaceIds) {
    const first = byId.get(`${s.marketplace}:${s.marketplaceEventId}`);
    if (first !== undefined)
      return { firstRow: first, reason: `${columnLabel(s.marketplace, headers)} ${s.marketplaceEventId} is already on row ${first}` };
  }
  if (row.keep.includes('name') || row.keep.includes('startsAt')) return undefined;
  const first = byIdentity.get(identityOf(row));
  if (first !== undefined) return { firstRow: first, reason: `same event name, venue and start as row ${first}` };
  return undefined;
}

/** How far down a sheet the header row may be (below a title or a note, say). */
const HEADER_SEARCH_ROWS = 10;

/**
 * Splits rows of cells (a sheet's values, a CSV file) into a header and records. The header is
 * the first of the top non-empty rows that names the needed columns (a title or a note may sit
 * above it), else the first non-empty row. Row numbers count from 1 at the top, as a
 * spreadsheet does.
 */
export function tableFromRows(origin: string, rows: readonly (readonly CellValue[])[]): RawCatalogTable {
  const text = (r: readonly CellValue[]): string[] => r.map((c) => (c === null ? '' : String(c)));
  const nonEmpty = rows.flatMap((r, i) => (r.some((c) => !isBlank(c)) ? [i] : [])).slice(0, HEADER_SEARCH_ROWS);
  if (nonEmpty.length === 0) return { origin, headers: [], records: [] };
  const headerIndex =
    nonEmpty.find((i) => {
      const map: ColumnMap = { index: {}, header: {}, ignored: [] };
      text(rows[i]!).forEach((h, col) => {
        const f = FIELD_BY_ALIAS.get(normalizeHeader(h));
        if (f && map.index[f] === undefined) map.index[f] = col;
      });
      return missingColumns(map).length === 0;
    }) ?? nonEmpty[0]!;
  const headers = text(rows[headerIndex]!);
  const records = rows.slice(headerIndex + 1).map((cells, i) => ({ rowNumber: headerIndex + i + 2, cells: [...cells] }));
  return { origin, headers, records };
}

export type { MarketplaceName };
