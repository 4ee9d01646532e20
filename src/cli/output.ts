import { writeOut } from './io';

/** Exit statuses of `ticket-tracker`: 0 done, 1 failed, 2 bad usage or bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Bad usage or bad input: the message names what was wrong; exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type Cell = string | number | boolean | Date | null | undefined;

export interface Column<Row> {
  header: string;
  value: (row: Row) => Cell;
  align?: 'left' | 'right';
}

function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date)
    return v
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, 'Z');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  return String(v);
}

/** A plain-text table: header, rule, rows; numbers right-aligned. */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((r) => columns.map((c) => formatCell(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const aligns = columns.map((c) => c.align ?? (rows.length > 0 && typeof c.value(rows[0]!) === 'number' ? 'right' : 'left'));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (aligns[i] === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  if (rows.length === 0) out.push('(none)');
  return out.join('\n');
}

export interface OutputOptions {
  json?: boolean;
}

/** Prints rows as a table, or as JSON with `--json` (the rows themselves, for scripts). */
export function printRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[], opts: OutputOptions, write = stdoutWrite): void {
  if (opts.json) write(JSON.stringify(rows, null, 2));
  else write(renderTable(rows, columns));
}

/** Prints one object: key/value lines, or JSON with `--json`. */
export function printObject(obj: Record<string, unknown>, opts: OutputOptions, write = stdoutWrite): void {
  if (opts.json) {
    write(JSON.stringify(obj, null, 2));
    return;
  }
  const width = Math.max(0, ...Object.keys(obj).map((k) => k.length));
  write(
    Object.entries(obj)
      .map(
        ([k, v]) =>
          `${k.padEnd(width)}  ${typeof v === 'object' && v !== null && !(v instanceof Date) ? JSON.stringify(v) : formatCell(v as Cell)}`,
      )
      .join('\n'),
  );
}

function stdoutWrite(text: string): void {
  writeOut(text + '\n');
}
