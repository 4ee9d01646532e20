import { isBlank, type CellValue } from './cells';
import { namesNeededColumns } from './columns';

/**
 * A source's rows before any interpretation: the header row and the records under it, with the
 * row numbers the user sees. Pure.
 */

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
  const headerIndex = nonEmpty.find((i) => namesNeededColumns(text(rows[i]!))) ?? nonEmpty[0]!;
  const headers = text(rows[headerIndex]!);
  const records = rows.slice(headerIndex + 1).map((cells, i) => ({ rowNumber: headerIndex + i + 2, cells: [...cells] }));
  return { origin, headers, records };
}
