import { resolveTimeZone } from '../../domain/local-time';
import { isBlank, type CellValue } from './cells';
import { CATALOG_FIELDS, CatalogFormatError, columnLabel, mapColumns, type CatalogField, type ColumnMap } from './columns';
import { decideDateOrder, type DateOrderSetting, type OrderPlan } from './date-order';
import type { CatalogRow, ParsedCatalog } from './parsed';
import { parseCatalogRecord } from './record';
import type { RawCatalogTable } from './table';
import type { PlaceLookup } from './zones';

/**
 * The event catalog as a whole: a raw table (table.ts) -> its rows (record.ts), the file's date
 * order decided once, duplicates told apart. Pure: no I/O, the place look-up is passed in.
 */

export interface CatalogOptions {
  /** DEFAULT_EVENT_TIMEZONE: only for rows that say nothing about their place; unset, such rows are refused. */
  defaultTimeZone?: string | undefined;
  /** Where a row's city, state and country are (src/catalog/places/, which reads package data: hence passed in). */
  lookUpPlace: PlaceLookup;
  /** DATE_ORDER: only used when no row of the file proves the order. */
  dateOrder?: DateOrderSetting;
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
  const records = keyedRecords(table, columns, out);
  const order = fileDateOrder(records, opts);
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

type CatalogRecord = Partial<Record<CatalogField, CellValue>>;

/**
 * The table's records keyed by field; a record that could not be split into cells goes to
 * `out.invalid`, and one with nothing in any recognised column is counted in `out.blank`.
 */
function keyedRecords(table: RawCatalogTable, columns: ColumnMap, out: ParsedCatalog): { rowNumber: number; record: CatalogRecord }[] {
  const fields = CATALOG_FIELDS.filter((f) => columns.index[f] !== undefined);
  const records: { rowNumber: number; record: CatalogRecord }[] = [];
  for (const rec of table.records) {
    if (rec.problem !== undefined) {
      out.invalid.push({ row: rec.rowNumber, reason: rec.problem, marketplaceIds: [] });
      continue;
    }
    const record: CatalogRecord = {};
    for (const f of fields) record[f] = rec.cells[columns.index[f]!] ?? null;
    if (fields.every((f) => isBlank(record[f]))) {
      out.blank++;
      continue;
    }
    records.push({ rowNumber: rec.rowNumber, record });
  }
  return records;
}

/** The order of the file's numeric dates, decided once from all its records (see decideDateOrder). */
function fileDateOrder(records: { rowNumber: number; record: CatalogRecord }[], opts: CatalogOptions): OrderPlan {
  const writtenZoneOf = (r: CatalogRecord): string | undefined => {
    const z = typeof r.timezone === 'string' && r.timezone.trim() !== '' ? resolveTimeZone(r.timezone) : undefined;
    return z?.ok ? z.zone : undefined;
  };
  const cellText = (v: CellValue | undefined): string | undefined =>
    typeof v === 'string' || typeof v === 'number' ? String(v).trim() || undefined : undefined;
  // For the date order's vote only: the zone the row is read in, or its place's likeliest.
  const zoneOf = (r: CatalogRecord): string | undefined =>
    writtenZoneOf(r) ??
    opts.lookUpPlace({ city: cellText(r.city), state: cellText(r.state), country: cellText(r.country) })?.candidates[0]?.zone ??
    opts.defaultTimeZone;
  return decideDateOrder(
    records.map((r) => ({
      row: r.rowNumber,
      date: r.record.startsAt,
      country: r.record.country,
      zone: zoneOf(r.record),
      writtenZone: writtenZoneOf(r.record),
    })),
    opts.dateOrder,
  );
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
