import type { EventMarketplaceId } from '../../domain/listing';
import type { CatalogField } from './columns';
import type { DateOrderDecision } from './date-order';

/**
 * What parsing a catalog gives: the usable rows as the database stores them, the rows that
 * could not be used and why, duplicates, and notes on single cells. Types only.
 */

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

/** A catalog read and parsed: what a CatalogReader hands the sync. */
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
