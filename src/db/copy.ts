import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * COPY ... FROM STDIN in PostgreSQL's text format: the fastest bulk path from Node. Rows are
 * joined into chunks of ~1,000 lines (one write per row is eight times slower).
 */
export type CopyValue = string | number | boolean | null | readonly number[];

const SPECIAL = /[\\\t\n\r]/;

/** One field in COPY text format: NULL as \N, backslash, tab, newline and CR escaped. */
export function copyField(v: CopyValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'string')
    return SPECIAL.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
  return `{${v.join(',')}}`;
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
