import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * COPY ... FROM STDIN in PostgreSQL's text format: the fastest bulk path from Node. Rows are
 * joined into chunks of ~1,000 lines (one write per row is eight times slower).
 */
export type CopyValue = string | number | boolean | null | readonly number[];

/**
 * Whether a string holds a character COPY text must escape (backslash, tab, newline, CR). A loop
 * over the char codes: the fields are short, and a regex test cost twice as much per field.
 */
function needsEscape(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) return true;
  }
  return false;
}

/** One field in COPY text format: NULL as \N, backslash, tab, newline and CR escaped. */
export function copyField(v: CopyValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'string')
    return needsEscape(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
  return v.length === 0 ? '{}' : `{${v.join(',')}}`;
}

/**
 * A price for a numeric column in COPY text: a number of whole cents (what persistScrape stores)
 * as `units.cc` built from integers, which costs a third of String(number)'s shortest-decimal
 * conversion of a double. The value is the same: when `v` is the double nearest to cents/100, that
 * decimal is also what String(v) prints. Anything else (more decimals, negative, huge) goes
 * through copyField. NULL as \N.
 */
export function copyCents(v: number | null): string {
  if (v === null) return '\\N';
  const cents = Math.round(v * 100);
  if (cents / 100 !== v || cents < 0 || cents > 0x7fffffff) return copyField(v);
  const c = cents % 100;
  return (cents - c) / 100 + (c < 10 ? '.0' : '.') + c;
}

/**
 * Streams `count` rows, each produced by `row(i)` as an already-encoded COPY line (without the
 * newline), into `table (columns)`. Runs on the given client, so it joins that client's transaction.
 */
export async function copyRows(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  count: number,
  row: (i: number) => string,
  chunkRows = 1000,
): Promise<void> {
  let i = 0;
  await copyChunks(client, table, columns, () => {
    if (i >= count) return null;
    const end = Math.min(count, i + chunkRows);
    let chunk = '';
    for (; i < end; i++) chunk += row(i) + '\n';
    return chunk;
  });
}

/**
 * Streams chunks of COPY text (whole lines, each ending in a newline) into `table (columns)`
 * until `nextChunk` returns null. Chunks are asked for on demand, one ahead of the socket: the
 * next chunk is prepared while the server is still parsing the previous one, so the work of
 * producing them overlaps the server's work instead of adding to it. An empty string is allowed
 * (nothing is sent for it). Runs on the given client, so it joins that client's transaction.
 */
export async function copyChunks(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  nextChunk: () => string | null,
): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  const source = new Readable({
    read() {
      let chunk: string | null;
      // An empty push would not call read() again by itself; skip empty chunks here.
      do chunk = nextChunk();
      while (chunk === '');
      this.push(chunk);
    },
  });
  await pipeline(source, stream);
}
