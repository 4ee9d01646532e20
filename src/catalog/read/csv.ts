import { CsvError as ParseError, parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';

/**
 * Catalog files as spreadsheet programs export them: bytes -> text (encoding), text -> records
 * (csv-parse, RFC 4180: quoted fields with delimiters, doubled quotes and line breaks inside,
 * CRLF or LF, a byte-order mark), with the delimiter sniffed among comma, semicolon and tab
 * (Excel writes ";" where the decimal separator is a comma, and tabs for "Unicode text").
 */
export interface CsvRecord {
  /** The line the record starts on, as an editor shows it. */
  line: number;
  fields: string[];
}

export type Delimiter = ',' | ';' | '\t';
export const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

export class CsvError extends Error {
  override name = 'CsvError';
}

export type TextEncoding = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | 'Windows-1252';

/** Bytes that Windows-1252 leaves undefined: a file holding one is not Windows-1252 either. */
const UNDEFINED_IN_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * Decodes a catalog file: UTF-16 when it starts with a UTF-16 byte-order mark, else UTF-8 when
 * it is valid UTF-8, else Windows-1252 (what Excel writes on Western Windows) when every byte is
 * defined there. Anything else is refused with the offset of the first byte that is not UTF-8,
 * so no replacement character (U+FFFD) is ever stored.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'UTF-16LE' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'UTF-16BE' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    // Not UTF-8: see below.
  }
  const offset = firstInvalidUtf8Byte(bytes);
  const undefinedByte = bytes.findIndex((b) => UNDEFINED_IN_1252.has(b) || b === 0);
  if (undefinedByte >= 0) {
    throw new CsvError(
      `is not text in UTF-8 (byte ${offset} is 0x${hex(bytes[offset])}) nor in Windows-1252 (byte ${undefinedByte} is 0x${hex(bytes[undefinedByte])}): save it as "CSV UTF-8"`,
    );
  }
  // Valid UTF-8 sequences beside the invalid byte: a file that mixes encodings (a UTF-8 file with
  // text pasted from elsewhere). Read as Windows-1252, its UTF-8 "é" would be stored as "Ã©".
  const utf8Sequence = /[\xC2-\xDF][\x80-\xBF]|[\xE0-\xEF][\x80-\xBF]{2}|[\xF0-\xF4][\x80-\xBF]{3}/.exec(
    Buffer.from(bytes).toString('latin1'),
  );
  if (utf8Sequence) {
    throw new CsvError(
      `mixes encodings: UTF-8 text (at byte ${utf8Sequence.index}) and a byte that is not UTF-8 (byte ${offset} is 0x${hex(bytes[offset])}): save it again as "CSV UTF-8"`,
    );
  }
  // iconv-lite, not TextDecoder: Node's 'windows-1252' decoder is Latin-1 (0x92 would become U+0092, not ’).
  return { text: iconv.decode(Buffer.from(bytes), 'windows-1252'), encoding: 'Windows-1252' };
}

const hex = (b: number | undefined): string => (b ?? 0).toString(16).toUpperCase().padStart(2, '0');

/** Offset of the first byte of the first invalid UTF-8 sequence (a genuine U+FFFD is EF BF BD). */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  const loose = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let from = 0;
  for (;;) {
    const i = loose.indexOf('\uFFFD', from);
    if (i < 0) return 0;
    const offset = Buffer.byteLength(loose.slice(0, i), 'utf8');
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
    from = i + 1;
  }
}

function parseWith(text: string, delimiter: Delimiter, toLine?: number): CsvRecord[] {
  const rows = parse(text, {
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    info: true,
    ...(toLine !== undefined ? { to_line: toLine } : {}),
  }) as unknown as { record: string[]; info: { lines: number } }[];
  return rows.map(({ record, info }) => {
    // info.lines is the line the record ends on; quoted line breaks move its start up.
    const breaks = record.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    return { line: info.lines - breaks, fields: record };
  });
}

/**
 * The delimiter that splits the first lines most consistently into the most columns: the one
 * whose most common field count (above one) covers the most records.
 */
export function sniffDelimiter(text: string): Delimiter {
  let best: { delimiter: Delimiter; score: number; columns: number } = { delimiter: ',', score: 0, columns: 0 };
  for (const delimiter of [',', ';', '\t'] as const) {
    let records: CsvRecord[];
    try {
      records = parseWith(text, delimiter, 50);
    } catch {
      continue;
    }
    const counts = new Map<number, number>();
    for (const r of records) if (r.fields.length > 1) counts.set(r.fields.length, (counts.get(r.fields.length) ?? 0) + 1);
    for (const [columns, score] of counts) {
      if (score > best.score || (score === best.score && columns > best.columns)) best = { delimiter, score, columns };
    }
  }
  return best.delimiter;
}

/**
 * Every record of a CSV text, blank ones included (as [""]), with the line it starts on. The
 * delimiter is sniffed when not given. Throws CsvError naming the line of a broken quote.
 */
export function parseCsv(input: string, delimiter: Delimiter = sniffDelimiter(input)): CsvRecord[] {
  try {
    return parseWith(input, delimiter);
  } catch (err) {
    if (err instanceof ParseError) {
      const line = /line (\d+)/.exec(err.message)?.[1];
      throw new CsvError(`${line ? `line ${line}: ` : ''}${err.message.replace(/^[A-Z_]+: /, '')}`, { cause: err });
    }
    throw err;
  }
}
