import type pg from 'pg';
import { bucketStart } from '../domain/buckets';

/**
 * Plain-mode partition management: weekly range partitions (Monday 00:00 UTC) of the raw
 * tables, created ahead by the application, and whole old partitions moved into the archive.
 * TimescaleDB mode never calls this: its chunks are the partitions.
 */
export const PARTITIONED_TABLES = ['listings', 'ticket_snapshots'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];
export const PARTITION_SECONDS = 7 * 24 * 3600;
const WEEK_MS = PARTITION_SECONDS * 1000;
// Serializes partition changes across processes (a worker starting while retention runs).
const PARTITION_LOCK_KEY = '8387236541925320051';

type Client = pg.ClientBase;

export interface PartitionInfo {
  name: string;
  from: Date;
  to: Date;
}

export function partitionName(parent: string, start: Date): string {
  return `${parent}_p${start.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** The range partitions of `parent` (its DEFAULT partition excluded), oldest first. */
export async function listPartitions(client: Pick<Client, 'query'>, parent: string): Promise<PartitionInfo[]> {
  const res = await client.query<{ name: string; range_from: Date; range_to: Date }>(
    `SELECT c.relname AS name,
            (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz AS range_from,
            (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS range_to
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = $1::regclass`,
    [parent],
  );
  return res.rows
    .filter((r) => r.range_from !== null && r.range_to !== null)
    .map((r) => ({ name: r.name, from: r.range_from, to: r.range_to }))
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

async function inTransaction<T>(client: Client, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [PARTITION_LOCK_KEY]);
    const out = await fn();
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Creates the weekly partition of `parent` starting at `start` unless it exists. Rows that had
 * landed in the DEFAULT partition for that week are moved into it first (attaching would
 * otherwise fail): a stray row is never lost and never blocks a partition.
 */
async function createWeek(client: Client, parent: PartitionedTable, start: Date): Promise<boolean> {
  const name = partitionName(parent, start);
  const end = new Date(start.getTime() + WEEK_MS);
  return inTransaction(client, async () => {
    const exists = await client.query(`SELECT 1 FROM pg_class WHERE relname = $1 AND relkind IN ('r', 'p')`, [name]);
    if (exists.rowCount) return false;
    const id = client.escapeIdentifier(name);
    const from = client.escapeLiteral(start.toISOString());
    const to = client.escapeLiteral(end.toISOString());
    await client.query(`CREATE TABLE ${id} (LIKE ${parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await client.query(
      `WITH moved AS (DELETE FROM ${parent}_default WHERE captured_at >= $1 AND captured_at < $2 RETURNING *)
       INSERT INTO ${id} SELECT * FROM moved`,
      [start, end],
    );
    await client.query(`ALTER TABLE ${parent} ATTACH PARTITION ${id} FOR VALUES FROM (${from}) TO (${to})`);
    return true;
  });
}

/** Ensures weekly partitions of every raw table cover [from, to); returns the names created. */
export async function ensurePartitions(client: Client, range: { from: Date; to: Date }): Promise<string[]> {
  const created: string[] = [];
  for (const parent of PARTITIONED_TABLES) {
    for (let t = bucketStart(range.from, PARTITION_SECONDS); t < range.to; t = new Date(t.getTime() + WEEK_MS)) {
      if (await createWeek(client, parent, t)) created.push(partitionName(parent, t));
    }
  }
  return created;
}

/** Last week and the next four weeks: what a running deployment needs, refreshed by maintenance. */
export async function ensurePartitionsAround(client: Client, now: Date, weeksAhead = 4): Promise<string[]> {
  return ensurePartitions(client, { from: new Date(now.getTime() - WEEK_MS), to: new Date(now.getTime() + (weeksAhead + 1) * WEEK_MS) });
}

export interface ArchiveResult {
  partitions: string[];
  /** Rows moved to the archive: those of the partitions, and strays from the DEFAULT partition. */
  rows: number;
  /** Of those, rows moved one by one from the DEFAULT partition (strays older than the cutoff). */
  strayRows: number;
}

/**
 * Moves every partition of `parent` that ends at or before `cutoff` into `${parent}_archive`
 * (DETACH + ATTACH: no row is copied), then the DEFAULT partition's rows older than the cutoff.
 * A partition whose week already has rows in the archive's DEFAULT partition cannot be attached;
 * its rows are copied instead. Each partition moves in its own transaction.
 */
export async function archiveOldPartitions(client: Client, parent: PartitionedTable, cutoff: Date): Promise<ArchiveResult> {
  const archive = `${parent}_archive`;
  const moved: string[] = [];
  let rows = 0;
  for (const p of await listPartitions(client, parent)) {
    if (p.to.getTime() > cutoff.getTime()) continue;
    await inTransaction(client, async () => {
      const id = client.escapeIdentifier(p.name);
      // Counted for the report, under the same lock as the move (a maintenance job, not a hot path).
      rows += Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${id}`)).rows[0]?.n ?? 0);
      await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${id}`);
      await client.query('SAVEPOINT attach');
      try {
        await client.query(
          `ALTER TABLE ${archive} ATTACH PARTITION ${id} FOR VALUES FROM (${client.escapeLiteral(p.from.toISOString())}) TO (${client.escapeLiteral(p.to.toISOString())})`,
        );
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT attach');
        await client.query(`INSERT INTO ${archive} SELECT * FROM ${id}`);
        await client.query(`DROP TABLE ${id}`);
      }
    });
    moved.push(p.name);
  }
  const strays = await inTransaction(client, () =>
    client.query(
      `WITH moved AS (DELETE FROM ${parent}_default WHERE captured_at < $1 RETURNING *)
       INSERT INTO ${archive} SELECT * FROM moved`,
      [cutoff],
    ),
  );
  return { partitions: moved, rows: rows + (strays.rowCount ?? 0), strayRows: strays.rowCount ?? 0 };
}
