import { isBlank, spreadsheetError, type CellValue } from './cells';
import { columnLabel, type CatalogField } from './columns';
import type { OrderPlan } from './date-order';
import type { CellNote, KeptField } from './parsed';
import type { PlaceLookup } from './zones';

/**
 * One record being read, column by column (record.ts, start.ts): its cells, what the file
 * says about every row, and what the reading has found so far. Pure.
 */

/** What every row of a file is read with. */
export interface RowContext {
  defaultTimeZone: string | undefined;
  lookUpPlace: PlaceLookup;
  /** The headers as written, per field, for messages. */
  headers: Partial<Record<CatalogField, string>>;
  order: OrderPlan;
}

export interface RecordReading {
  readonly record: Partial<Record<CatalogField, CellValue>>;
  readonly rowNumber: number;
  readonly ctx: RowContext;
  /** Why the row cannot be used; joined with "; " into its reason. */
  readonly problems: string[];
  /** Cells not used as written, in the order they were met. */
  readonly cells: CellNote[];
  /** Fields whose cell could not be read: the event keeps its stored value. */
  readonly keep: Set<KeptField>;
}

/** A column as a message names it (see columnLabel). */
export function label(r: RecordReading, field: CatalogField): string {
  return columnLabel(field, r.ctx.headers);
}

/** Notes a cell of the row under its column's label. */
export function note(r: RecordReading, field: CatalogField, kind: CellNote['kind'], message: string): void {
  r.cells.push({ row: r.rowNumber, column: label(r, field), kind, message });
}

/** True when the field's cell holds something (readable or not). */
export function hasContent(r: RecordReading, field: CatalogField): boolean {
  return !isBlank(r.record[field] ?? null);
}

/**
 * A cell's value, or undefined after noting why it cannot be read (a spreadsheet error value,
 * text damaged by a wrong encoding); undefined too for an absent or null cell.
 */
export function readable(r: RecordReading, field: CatalogField): CellValue | undefined {
  const v = r.record[field];
  const error = spreadsheetError(v);
  if (error) {
    note(r, field, 'unreadable', `${error} (a spreadsheet error value): the stored value is kept`);
    return undefined;
  }
  if (typeof v === 'string' && v.includes('\uFFFD')) {
    note(
      r,
      field,
      'unreadable',
      `"${v.trim()}" holds a replacement character (U+FFFD): its text was damaged by a wrong encoding before it reached the catalog; the stored value is kept`,
    );
    return undefined;
  }
  return v === null ? undefined : v;
}
