/**
 * A small RFC 4180 CSV reader: quoted fields (with "" for a quote, commas and line breaks
 * inside), CRLF or LF line ends, a UTF-8 byte-order mark, and a last line with or without a
 * line break. Returns every record, blank ones included (as [""]), with the line it started on,
 * so messages can point at the line the user sees in an editor. A quote in the middle of an
 * unquoted field (12" vinyl) is kept as it is, as spreadsheet programs do.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  override name = 'CsvError';
}

export function parseCsv(input: string, delimiter = ','): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quoted = false; // the current field started with a quote
  let sawAnything = false;
  const endField = (): void => {
    fields.push(field);
    field = '';
    quoted = false;
  };
  const endRecord = (): void => {
    endField();
    records.push({ line: recordLine, fields });
    fields = [];
    sawAnything = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        // Closing quote: only a delimiter or a line end may follow.
        const next = text[i + 1];
        if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
          throw new CsvError(`line ${line}: unexpected character after a closing quote`);
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      sawAnything = true;
      i++;
      continue;
    }
    if (c === delimiter) {
      sawAnything = true;
      endField();
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    field += c;
    sawAnything = true;
    i++;
  }
  if (quoted) throw new CsvError(`line ${recordLine}: a quoted field is never closed`);
  if (sawAnything || field !== '') endRecord();
  return records;
}
