import type pg from 'pg';
import type { Env } from '../config';
import { bucketStart } from '../domain/buckets';
import { archiveOldPartitions, ensurePartitionsAround, PARTITION_SECONDS, PARTITIONED_TABLES, type PartitionedTable } from './partitions';
import type { Db } from './pool';
import { storageModeOf } from './storage-mode';

/**
 * Archival and retention, with the seed's policy as defaults: raw listings and snapshots 4
 * months then the archive, hourly rollups 6 months, daily rollups forever, cycles 3 months,
 * scrape errors 1 month. `cyclesDays` is set by RETENTION_RUNS_DAYS (the variable keeps its name:
 * deployments set it).
 */
export interface RetentionPolicy {
  rawDays: number;
  hourlyDays: number;
  cyclesDays: number;
  errorsDays: number;
}

export function retentionPolicyFromEnv(
  env: Pick<Env, 'RETENTION_RAW_DAYS' | 'RETENTION_HOURLY_DAYS' | 'RETENTION_RUNS_DAYS' | 'RETENTION_ERRORS_DAYS'>,
): RetentionPolicy {
  return {
    rawDays: env.RETENTION_RAW_DAYS,
    hourlyDays: env.RETENTION_HOURLY_DAYS,
    cyclesDays: env.RETENTION_RUNS_DAYS,
    errorsDays: env.RETENTION_ERRORS_DAYS,
  };
}

export interface RetentionResult {
  mode: 'plain' | 'timescaledb';
  /**
   * Raw data before this instant moved to the archive: the Monday 00:00 UTC at or before
   * now - rawDays. Week-aligned in both layouts, so that whole partitions (plain) and whole
   * chunks (TimescaleDB) move and one cutoff means the same rows in both.
   */
  archiveCutoff: Date;
  /** Partitions (plain) or chunks (TimescaleDB) moved to the archive, per table. */
  archived: Record<string, string[]>;
  /** Raw rows (listings and snapshots) moved to the archive, in both layouts. */
  archivedRows: number;
  /** Hourly rollup rows deleted (bucket before now - hourlyDays). */
  hourlyDeleted: number;
  /** Cycle records deleted (started before now - cyclesDays). */
  cyclesDeleted: number;
  errorsDeleted: number;
  /** Partitions created ahead while at it (plain). */
  partitionsCreated: string[];
  /** Chunks compressed while at it (TimescaleDB), the explicit twin of the compression policy. */
  chunksCompressed: number;
}

const DAY_MS = 24 * 3600 * 1000;
const daysBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

/**
 * Raw chunks older than this are compressed by applyRetention, as the compression policy of
 * migration 004 would (compress_after => 14 days): policies are a second line only, since their
 * background jobs fail on some PostgreSQL minor releases (see docs/production.md).
 */
export const COMPRESS_AFTER_DAYS = 14;

/** The Monday 00:00 UTC at or before now - rawDays (see RetentionResult.archiveCutoff). */
export function archiveCutoffOf(now: Date, rawDays: number): Date {
  return bucketStart(daysBefore(now, rawDays), PARTITION_SECONDS);
}

/**
 * Applies the policy as of `now`: raw rows captured before the week-aligned cutoff move to the
 * archive (by whole partitions or chunks), hourly rollups older than hourlyDays are deleted row
 * by row, old cycle records and errors too. Daily rollups are kept. The same rows move and go in both
 * layouts. Safe to re-run: a second run finds nothing left to move.
 */
export async function applyRetention(db: Db, policy: RetentionPolicy, now: Date): Promise<RetentionResult> {
  const mode = await storageModeOf(db);
  const archiveCutoff = archiveCutoffOf(now, policy.rawDays);
  const archived: Record<string, string[]> = {};
  let archivedRows = 0;
  let partitionsCreated: string[] = [];
  let chunksCompressed = 0;

  const client = await db.connect();
  try {
    if (mode === 'plain') {
      // Maintenance runs regularly, so this is also where partitions keep being created ahead.
      partitionsCreated = await ensurePartitionsAround(client, now);
      for (const table of PARTITIONED_TABLES) {
        const r = await archiveOldPartitions(client, table, archiveCutoff);
        archived[table] = r.partitions;
        archivedRows += r.rows;
      }
    } else {
      for (const table of PARTITIONED_TABLES) {
        const r = await archiveChunks(client, table, archiveCutoff);
        archived[table] = r.chunks;
        archivedRows += r.rows;
      }
      chunksCompressed = await compressChunks(client, daysBefore(now, COMPRESS_AFTER_DAYS));
    }
  } finally {
    client.release();
  }
  const h = await db.query('DELETE FROM rollup_hourly WHERE bucket < $1', [daysBefore(now, policy.hourlyDays)]);
  const cycles = await db.query('DELETE FROM cycles WHERE started_at < $1', [daysBefore(now, policy.cyclesDays)]);
  const errors = await db.query('DELETE FROM scrape_errors WHERE occurred_at < $1', [daysBefore(now, policy.errorsDays)]);
  return {
    mode,
    archiveCutoff,
    archived,
    archivedRows,
    hourlyDeleted: h.rowCount ?? 0,
    cyclesDeleted: cycles.rowCount ?? 0,
    errorsDeleted: errors.rowCount ?? 0,
    partitionsCreated,
    chunksCompressed,
  };
}

/**
 * TimescaleDB: copies the rows captured before the cutoff into the archive, drops the chunks that
 * lie wholly before it, and deletes the rest of those rows (chunks made before migration 040 are a
 * week long from a Thursday, so one can straddle the Monday cutoff), in one transaction.
 * (A retention policy alone would drop without archiving.)
 */
async function archiveChunks(client: pg.PoolClient, table: PartitionedTable, cutoff: Date): Promise<{ chunks: string[]; rows: number }> {
  await client.query('BEGIN');
  try {
    const old = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE captured_at < $1`, [cutoff]);
    if (Number(old.rows[0]?.n ?? 0) === 0) {
      await client.query('COMMIT');
      return { chunks: [], rows: 0 };
    }
    const chunks = await client.query<{ chunk: string }>(`SELECT show_chunks($1::regclass, older_than => $2::timestamptz)::text AS chunk`, [
      table,
      cutoff,
    ]);
    const moved = await client.query(`INSERT INTO ${table}_archive SELECT * FROM ${table} WHERE captured_at < $1`, [cutoff]);
    await client.query(`SELECT drop_chunks($1::regclass, older_than => $2::timestamptz)`, [table, cutoff]);
    await client.query(`DELETE FROM ${table} WHERE captured_at < $1`, [cutoff]);
    await client.query('COMMIT');
    return { chunks: chunks.rows.map((c) => c.chunk.replace(/^_timescaledb_internal\./, '')), rows: moved.rowCount ?? 0 };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** TimescaleDB: compresses the raw chunks wholly older than `olderThan` not yet compressed; returns how many. */
export async function compressChunks(client: Pick<pg.PoolClient, 'query'>, olderThan: Date): Promise<number> {
  let n = 0;
  for (const table of PARTITIONED_TABLES) {
    const res = await client.query<{ chunk: string }>(
      `SELECT c::text AS chunk FROM show_chunks($1::regclass, older_than => $2::timestamptz) c
        WHERE NOT EXISTS (SELECT 1 FROM timescaledb_information.chunks i
                           WHERE format('%I.%I', i.chunk_schema, i.chunk_name)::regclass = c AND i.is_compressed)`,
      [table, olderThan],
    );
    for (const r of res.rows) {
      await client.query(`SELECT compress_chunk($1::regclass, if_not_compressed => true)`, [r.chunk]);
      n++;
    }
  }
  return n;
}
