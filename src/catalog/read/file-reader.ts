import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CatalogFormatError } from '../parse/columns';
import { parseCatalog } from '../parse/catalog';
import { tableFromRows, type RawCatalogTable, type RawRecord } from '../parse/table';
import type { CellValue } from '../parse/cells';
import type { DateOrderSetting } from '../parse/date-order';
import type { ParsedCatalog } from '../parse/parsed';
import { CsvError, DELIMITER_NAMES, decodeText, parseCsv, sniffDelimiter } from './csv';
import { CatalogReadError, type CatalogReader } from './reader';
import { lookUpPlace } from '../places';

/**
 * The catalog as a CSV or JSON file with the same columns as the sheet. JSON is an array of
 * objects keyed by header (or `{ "events": [...] }`); values are strings, numbers, booleans or
 * null. The format follows the extension, or the first character when the extension says nothing.
 * Encoding and CSV delimiter are found from the bytes (see csv.ts) and named in the report.
 */
/** What a failed read means to the person who named the file. */
const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder, not a file (name the CSV or JSON file in it)',
  EACCES: 'permission denied',
};

export function createFileReader(opts: {
  file: string;
  defaultTimeZone?: string | undefined;
  dateOrder?: DateOrderSetting;
}): CatalogReader {
  const origin = `file ${opts.file}`;
  return {
    origin,
    async read() {
      let bytes: Buffer;
      try {
        bytes = await readFile(opts.file);
      } catch (err) {
        throw new CatalogReadError(
          `cannot read ${origin}: ${READ_ERRORS[(err as NodeJS.ErrnoException).code ?? ''] ?? (err as Error).message}`,
          { cause: err },
        );
      }
      return parseCatalogFile(opts.file, bytes, opts);
    },
  };
}

/**
 * Pure: a catalog file's bytes (named `file`, whose extension picks CSV or JSON) -> the parsed
 * catalog, bad rows reported inside it. Throws CatalogReadError when the file as a whole cannot
 * be read as a catalog (bytes in no known encoding, a broken quote, no header, not JSON).
 */
export function parseCatalogFile(
  file: string,
  bytes: Uint8Array,
  opts: { defaultTimeZone?: string | undefined; dateOrder?: DateOrderSetting | undefined },
): ParsedCatalog {
  const origin = `file ${file}`;
  try {
    const { text, encoding } = decodeText(bytes);
    const notes: string[] = [];
    if (encoding !== 'UTF-8')
      notes.push(`not UTF-8: read as ${encoding}${encoding === 'Windows-1252' ? ' (what Excel writes on Western Windows)' : ''}`);
    let table: RawCatalogTable;
    if (isJson(file, text)) table = jsonTable(origin, text);
    else {
      const delimiter = sniffDelimiter(text);
      if (delimiter !== ',') notes.push(`${DELIMITER_NAMES[delimiter]}-separated`);
      table = tableFromRows(
        origin,
        parseCsv(text, delimiter).map((r) => r.fields),
      );
    }
    const catalog = parseCatalog(table, { defaultTimeZone: opts.defaultTimeZone, dateOrder: opts.dateOrder, lookUpPlace });
    catalog.notes.push(...notes);
    return catalog;
  } catch (err) {
    if (err instanceof CatalogFormatError || err instanceof CsvError)
      throw new CatalogReadError(`${origin}: ${err.message}`, { cause: err });
    throw err;
  }
}

function isJson(file: string, text: string): boolean {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return true;
  if (ext === '.csv' || ext === '.txt') return false;
  return /^\s*[[{]/.test(text.replace(/^\uFEFF/, ''));
}

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const jsonItem = z.record(z.string(), cell);
const jsonDocument = z.union([z.array(z.unknown()), z.object({ events: z.array(z.unknown()) }).transform((d) => d.events)]);

function jsonTable(origin: string, text: string): RawCatalogTable {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new CatalogFormatError(`not valid JSON (${(err as Error).message})`);
  }
  const items = jsonDocument.safeParse(doc);
  if (!items.success) throw new CatalogFormatError('expected a JSON array of events, or an object with an "events" array');
  const headers: string[] = [];
  const seen = new Set<string>();
  const parsed = items.data.map((item) => jsonItem.safeParse(item));
  for (const p of parsed) {
    if (!p.success) continue;
    for (const key of Object.keys(p.data)) {
      if (!seen.has(key)) {
        seen.add(key);
        headers.push(key);
      }
    }
  }
  const records: RawRecord[] = parsed.map((p, i) => {
    if (!p.success) {
      const issue = p.error.issues[0];
      const where = issue && issue.path.length > 0 ? `"${issue.path.map(String).join('.')}" ` : '';
      return {
        rowNumber: i + 1,
        cells: [],
        problem: `item ${i + 1}: ${where}${issue?.message ?? 'is not an object'} (an event is an object of text, number or boolean values)`,
      };
    }
    const obj = p.data;
    return { rowNumber: i + 1, cells: headers.map((h): CellValue => obj[h] ?? null) };
  });
  return { origin, headers, records };
}
