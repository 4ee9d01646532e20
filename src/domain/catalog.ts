import { z } from 'zod';
import { byMarketplace, MARKETPLACE_NAMES, type MarketplaceName } from './listing';
import { isTimeZone, isValidWallTime, zonedWallTimeToInstant, type WallTime } from './local-time';

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
  'timezone',
  'category',
  'capacity',
  'tracked',
  ...MARKETPLACE_NAMES,
] as const;
export type CatalogField = (typeof CATALOG_FIELDS)[number];

/** Accepted header spellings per field, already normalized (lower case, letters and digits only). */
const HEADER_ALIASES: Record<CatalogField, readonly string[]> = {
  name: ['eventname', 'name', 'event', 'title', 'eventtitle'],
  venue: ['venue', 'venuename'],
  city: ['city', 'venuecity'],
  state: ['state', 'region', 'province', 'stateprovince', 'venuestate'],
  country: ['country', 'venuecountry'],
  startsAt: ['eventdatelocal', 'date', 'eventdate', 'datelocal', 'datetime', 'eventdatetime', 'localdatetime', 'startslocal', 'startsat', 'start', 'starttime', 'startdate'],
  timezone: ['timezone', 'tz', 'timezoneiana', 'venuetimezone', 'eventtimezone'],
  category: ['category', 'eventcategory', 'type', 'eventtype', 'genre'],
  capacity: ['capacity', 'venuecapacity'],
  tracked: ['istracked', 'tracked', 'track', 'tracking'],
  // Each marketplace's id column: the aliases its descriptor lists (src/sources/marketplaces).
  ...byMarketplace((m) => m.headerAliases),
};

export const MARKETPLACE_LABELS: Record<MarketplaceName, string> = byMarketplace((m) => m.label);

const FIELD_BY_ALIAS = new Map<string, CatalogField>(
  CATALOG_FIELDS.flatMap((field) => HEADER_ALIASES[field].map((alias) => [alias, field] as const)),
);

export function normalizeHeader(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

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
  if (map.index.startsAt === undefined) missing.push('a date column ("Event Date (Local)" or "Date")');
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
    if (!field || map.index[field] !== undefined) {
      map.ignored.push(header);
      return;
    }
    map.index[field] = i;
    map.header[field] = header;
  });
  const missing = missingColumns(map);
  if (missing.length > 0) {
    throw new CatalogFormatError(`the header row lacks ${missing.join('; ')} (headers found: ${headers.filter((h) => h.trim()).map((h) => `"${h}"`).join(', ') || 'none'})`);
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// Cells

const EMPTY_ID = new Set(['', '-', '--', 'n/a', 'na', 'none', 'null', 'tbd', 'tba', '?']);
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x', '✓', '✔', 'on', 'tracked']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', '', 'off', 'untracked']);

/** Text cells: trimmed; empty means absent. Numbers and booleans are written as text. */
const text = (max: number) =>
  z.preprocess((v) => {
    if (v === null || v === undefined) return undefined;
    const s = String(v).trim();
    return s === '' ? undefined : s;
  }, z.string().max(max, `is longer than ${max} characters`).optional());

const marketplaceId = z.preprocess(
  (v) => {
    if (v === null || v === undefined) return undefined;
    if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : v;
    const s = String(v).trim();
    return EMPTY_ID.has(s.toLowerCase()) ? undefined : s;
  },
  z
    .string({ error: 'is not a marketplace event id' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'is not a marketplace event id (letters, digits and . _ : - only, at most 100)')
    .optional(),
);

const capacity = z.preprocess(
  (v) => {
    if (v === null || v === undefined) return undefined;
    if (typeof v === 'number') return v;
    const s = String(v).trim().replace(/[,\s_]/g, '');
    if (s === '') return undefined;
    return /^\d+$/.test(s) ? Number(s) : v;
  },
  z.number({ error: 'is not a whole number' }).int('is not a whole number').positive('must be positive').max(2_000_000, 'is too large').optional(),
);

const tracked = z.preprocess(
  (v) => {
    if (v === null || v === undefined) return false;
    if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : v;
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (TRUE_WORDS.has(s)) return true;
    if (FALSE_WORDS.has(s)) return false;
    return v;
  },
  z.boolean({ error: 'must be TRUE/FALSE, yes/no or 1/0' }),
);

const timezone = text(64).refine((tz) => tz === undefined || isTimeZone(tz), {
  error: (issue) => `unknown time zone "${String(issue.input)}" (use an IANA name such as America/Chicago)`,
});

const dateCell = z.preprocess(
  (v) => (v === null || v === undefined || (typeof v === 'string' && v.trim() === '') ? undefined : v),
  z.union([z.string(), z.number()], { error: 'is empty' }),
);

const rowSchema = z.object({
  name: text(300).pipe(z.string({ error: 'is empty' })),
  venue: text(300),
  city: text(200),
  state: text(200),
  country: text(200),
  startsAt: dateCell,
  timezone,
  category: text(100),
  capacity,
  tracked,
  ...byMarketplace(() => marketplaceId),
});

// ---------------------------------------------------------------------------------------------
// Dates

/** Days from 1899-12-30 (the spreadsheet epoch) to 1970-01-01. */
const SHEETS_EPOCH_OFFSET_DAYS = 25569;
const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([ap])?\.?(?:m\.?)?`;
const ISO = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+${TIME}\s*(Z|[+-]\d{2}:?\d{2})?)?$`, 'i');
const US = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})(?:[\s,T]+${TIME})?$`, 'i');

const DATE_HINT = 'expected the local start time as YYYY-MM-DD HH:MM (or M/D/YYYY H:MM AM/PM)';

/**
 * A start date/time cell -> instant. Text is the venue's wall time unless it carries an
 * explicit offset; a number is a spreadsheet serial date (days since 1899-12-30, wall time).
 * A date without a time of day is refused: "the 14th" is not a time to stop scraping at.
 */
export function parseEventDateTime(value: string | number, timeZone: string): { ok: true; instant: Date } | { ok: false; reason: string } {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 1 || value > 2_958_465) return { ok: false, reason: `${value} is not a date (${DATE_HINT})` };
    if (Number.isInteger(value)) return { ok: false, reason: `has a date but no time of day (${DATE_HINT})` };
    const wallMs = Math.round((value - SHEETS_EPOCH_OFFSET_DAYS) * 86_400) * 1000;
    const d = new Date(wallMs);
    const wall: WallTime = {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
    return { ok: true, instant: zonedWallTimeToInstant(wall, timeZone) };
  }
  const s = value.trim();
  let parts: { y: string; mo: string; d: string; h?: string; mi?: string; se?: string; ampm?: string; offset?: string } | undefined;
  let m = ISO.exec(s);
  if (m) parts = { y: m[1]!, mo: m[2]!, d: m[3]!, h: m[4], mi: m[5], se: m[6], ampm: m[7], offset: m[8] };
  else if ((m = US.exec(s))) parts = { y: m[3]!, mo: m[1]!, d: m[2]!, h: m[4], mi: m[5], se: m[6], ampm: m[7] };
  if (!parts) return { ok: false, reason: `"${s}" is not a date and time (${DATE_HINT})` };
  if (parts.h === undefined) return { ok: false, reason: `"${s}" has a date but no time of day (${DATE_HINT})` };
  let hour = Number(parts.h);
  if (parts.ampm) {
    if (hour < 1 || hour > 12) return { ok: false, reason: `"${s}" is not a valid date and time (${DATE_HINT})` };
    hour = (hour % 12) + (parts.ampm.toLowerCase() === 'p' ? 12 : 0);
  }
  const wall: WallTime = { year: Number(parts.y), month: Number(parts.mo), day: Number(parts.d), hour, minute: Number(parts.mi), second: Number(parts.se ?? 0) };
  if (!isValidWallTime(wall) || wall.year < 1970 || wall.year > 2200) return { ok: false, reason: `"${s}" is not a valid date and time (${DATE_HINT})` };
  if (parts.offset) {
    const off = /^([+-])(\d{2}):?(\d{2})$/.exec(parts.offset);
    const offsetMs = off ? (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3])) * 60_000 : 0;
    return { ok: true, instant: new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - offsetMs) };
  }
  return { ok: true, instant: zonedWallTimeToInstant(wall, timeZone) };
}

// ---------------------------------------------------------------------------------------------
// Rows

export interface MarketplaceRef {
  marketplace: MarketplaceName;
  marketplaceEventId: string;
}

/** One valid catalog row, as the database stores it. */
export interface CatalogRow {
  rowNumber: number;
  name: string;
  venue: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  startsAt: Date;
  /** The row's time zone, or the configured default: the zone its date was read in. */
  timezone: string;
  category: string | null;
  capacity: number | null;
  tracked: boolean;
  /** At least one; in MARKETPLACE_NAMES order. */
  sources: MarketplaceRef[];
}

export interface InvalidRow {
  row: number;
  reason: string;
  /** The marketplace ids that could be read from the row anyway, so its event is not taken for removed. */
  sources: MarketplaceRef[];
}

export interface DuplicateRow {
  row: number;
  /** The earlier row that was kept. */
  firstRow: number;
  reason: string;
}

export interface ParsedCatalog {
  origin: string;
  rows: CatalogRow[];
  invalid: InvalidRow[];
  duplicates: DuplicateRow[];
  /** Rows with nothing in any recognised column: skipped without a word. */
  blank: number;
  ignoredColumns: string[];
}

function isBlank(v: CellValue | undefined): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

/** Marketplace ids readable from a row even when the rest of it is not valid. */
function readableSources(record: Record<string, CellValue | undefined>): MarketplaceRef[] {
  return MARKETPLACE_NAMES.flatMap((marketplace) => {
    const r = marketplaceId.safeParse(record[marketplace]);
    return r.success && r.data ? [{ marketplace, marketplaceEventId: r.data }] : [];
  });
}

/** Validates one record (already keyed by field). Exported for tests of single rows. */
export function parseCatalogRecord(
  record: Record<string, CellValue | undefined>,
  rowNumber: number,
  opts: { defaultTimeZone: string; headers?: Partial<Record<CatalogField, string>> },
): { ok: true; row: CatalogRow } | { ok: false; invalid: InvalidRow } {
  const label = (field: CatalogField): string => opts.headers?.[field] ?? field;
  const problems: string[] = [];
  // Each field on its own, so one row's message lists every problem it has, not only the first.
  const field = <F extends CatalogField>(f: F): z.infer<(typeof rowSchema.shape)[F]> | undefined => {
    const r = rowSchema.shape[f].safeParse(record[f]);
    if (r.success) return r.data as z.infer<(typeof rowSchema.shape)[F]>;
    problems.push(`${label(f)}: ${r.error.issues[0]?.message ?? 'is not valid'}`);
    return undefined;
  };
  const name = field('name');
  const venue = field('venue');
  const city = field('city');
  const state = field('state');
  const country = field('country');
  const startsAtCell = field('startsAt');
  const tz = field('timezone');
  const category = field('category');
  const cap = field('capacity');
  const isTracked = field('tracked');
  const sources = MARKETPLACE_NAMES.flatMap((marketplace) => {
    const id = field(marketplace);
    return id ? [{ marketplace, marketplaceEventId: id }] : [];
  });
  if (sources.length === 0 && MARKETPLACE_NAMES.every((m) => rowSchema.shape[m].safeParse(record[m]).success)) {
    const columns = MARKETPLACE_NAMES.map((m) => opts.headers?.[m]).filter((h): h is string => h !== undefined);
    problems.push(`no marketplace id: fill at least one of ${(columns.length > 0 ? columns : MARKETPLACE_NAMES).map((c) => `"${c}"`).join(', ')}`);
  }
  const zone = tz ?? opts.defaultTimeZone;
  let startsAt: Date | undefined;
  if (startsAtCell !== undefined) {
    const date = parseEventDateTime(startsAtCell, zone);
    if (date.ok) startsAt = date.instant;
    else problems.push(`${label('startsAt')}: ${date.reason}`);
  }
  if (problems.length > 0 || name === undefined || startsAt === undefined || isTracked === undefined) {
    return { ok: false, invalid: { row: rowNumber, reason: problems.join('; '), sources: readableSources(record) } };
  }
  return {
    ok: true,
    row: {
      rowNumber,
      name,
      venue: venue ?? null,
      city: city ?? null,
      state: state ?? null,
      country: country ?? null,
      startsAt,
      timezone: zone,
      category: category ?? null,
      capacity: cap ?? null,
      tracked: isTracked,
      sources,
    },
  };
}

/**
 * Turns a raw table into catalog rows. Never throws for a bad row (it goes to `invalid` with
 * its row number and reason); throws CatalogFormatError only when the table as a whole is not
 * a catalog. Duplicates — a marketplace id, or the same name, venue and start, seen on an
 * earlier row — keep the earlier row.
 */
export function parseCatalog(table: RawCatalogTable, opts: { defaultTimeZone: string }): ParsedCatalog {
  if (table.headers.every((h) => h.trim() === '')) throw new CatalogFormatError(`${table.origin} is empty: no header row`);
  const columns = mapColumns(table.headers);
  const fields = CATALOG_FIELDS.filter((f) => columns.index[f] !== undefined);
  const out: ParsedCatalog = { origin: table.origin, rows: [], invalid: [], duplicates: [], blank: 0, ignoredColumns: columns.ignored };
  const firstById = new Map<string, number>();
  const firstByIdentity = new Map<string, number>();
  for (const rec of table.records) {
    if (rec.problem !== undefined) {
      out.invalid.push({ row: rec.rowNumber, reason: rec.problem, sources: [] });
      continue;
    }
    const record: Record<string, CellValue | undefined> = {};
    for (const f of fields) record[f] = rec.cells[columns.index[f]!];
    if (fields.every((f) => isBlank(record[f]))) {
      out.blank++;
      continue;
    }
    // A sheet without a tracked column tracks every row; with one, an empty cell is "not tracked".
    if (columns.index.tracked === undefined) record.tracked = true;
    const result = parseCatalogRecord(record, rec.rowNumber, { defaultTimeZone: opts.defaultTimeZone, headers: columns.header });
    if (!result.ok) {
      out.invalid.push(result.invalid);
      continue;
    }
    const row = result.row;
    const dupe = duplicateOf(row, firstById, firstByIdentity);
    if (dupe) {
      out.duplicates.push({ row: row.rowNumber, firstRow: dupe.firstRow, reason: dupe.reason });
      continue;
    }
    for (const s of row.sources) firstById.set(`${s.marketplace}:${s.marketplaceEventId}`, row.rowNumber);
    firstByIdentity.set(identityOf(row), row.rowNumber);
    out.rows.push(row);
  }
  return out;
}

function identityOf(row: CatalogRow): string {
  return [row.name.toLowerCase(), (row.venue ?? '').toLowerCase(), row.startsAt.getTime()].join('\u0000');
}

function duplicateOf(row: CatalogRow, byId: Map<string, number>, byIdentity: Map<string, number>): { firstRow: number; reason: string } | undefined {
  for (const s of row.sources) {
    const first = byId.get(`${s.marketplace}:${s.marketplaceEventId}`);
    if (first !== undefined) return { firstRow: first, reason: `${MARKETPLACE_LABELS[s.marketplace]} id ${s.marketplaceEventId} is already on row ${first}` };
  }
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
