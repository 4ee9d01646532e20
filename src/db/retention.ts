import type pg from 'pg';
import type { Env } from '../config';
import { archiveOldPartitions, ensurePartitionsAround, PARTITIONED_TABLES } from './partitions';
import type { Db } from './pool';
import { storageModeOf } from './storage-mode';

/**
 * Archival and retention, with the seed's policy as defaults: raw listings and snapshots 4
 * months then the archive, hourly rollups 6 months, daily rollups forever, scrape runs 3
 * months, scrape errors 1 month.
 */
export interface RetentionPolicy {
  rawDays: number;
  hourlyDays: number;
  runsDays: number;
  errorsDays: number;
}

export function retentionPolicyFromEnv(env: Pick<Env, 'RETENTION_RAW_DAYS' | 'RETENTION_HOURLY_DAYS' | 'RETENTION_RUNS_DAYS' | 'RETENTION_ERRORS_DAYS'>): RetentionPolicy {
  return {
    rawDays: env.RETENTION_RAW_DAYS,
    hourlyDays: env.RETENTION_HOURLY_DAYS,
    runsDays: env.RETENTION_RUNS_DAYS,
    errorsDays: env.RETENTION_ERRORS_DAYS,
  };
}

export interface RetentionResult {
  mode: 'plain' | 'timescaledb';
  /** Partitions (plain) or chunks (TimescaleDB) moved to the archive, per table. */
  archived: Record<string, string[]>;
  /** Rows moved one by one (plain: strays from DEFAULT partitions; TimescaleDB: rows of dropped chunks). */
  archivedRows: number;
  hourlyDeleted: number;
  runsDeleted: number;
  errorsDeleted: number;
  /** Partitions created ahead while at it (plain). */
  partitionsCreated: string[];
}

const DAY_MS = 24 * 3600 * 1000;
const daysBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

/**
 * Applies the policy as of `now`. Raw data moves to the archive by whole partitions (plain) or
 * whole chunks (TimescaleDB), so a partition or chunk is kept until all of it is older than the
 * cutoff. Safe to re-run: a second run finds nothing left to move.
 */
export async function applyRetention(db: Db, policy: RetentionPolicy, now: Date): Promise<RetentionResult> {
  const mode = await storageModeOf(db);
  const rawCutoff = daysBefore(now, policy.rawDays);
  const archived: Record<string, string[]> = {};
  let archivedRows = 0;
  let hourlyDeleted: number;
  let partitionsCreated: string[] = [];

  const client = await db.connect();
  try {
    if (mode === 'plain') {
      // Maintenance runs regularly, so this is also where partitions keep being created ahead.
      partitionsCreated = await ensurePartitionsAround(client, now);
      for (const table of PARTITIONED_TABLES) {
        const r = await archiveOldPartitions(client, table, rawCutoff);
        archived[table] = r.partitions;
        archivedRows += r.strayRows;
      }
      const h = await client.query('DELETE FROM rollup_hourly WHERE bucket < $1', [daysBefore(now, policy.hourlyDays)]);
      hourlyDeleted = h.rowCount ?? 0;
    } else {
      for (const table of PARTITIONED_TABLES) {
        const r = await archiveChunks(client, table, rawCutoff);
        archived[table] = r.chunks;
        archivedRows += r.rows;
      }
      const h = await client.query<{ c: string }>(`SELECT drop_chunks('rollup_hourly', older_than => $1::timestamptz) AS c`, [daysBefore(now, policy.hourlyDays)]);
      hourlyDeleted = h.rowCount ?? 0;
    }
  } finally {
    client.release();
  }
  const runs = await db.query('DELETE FROM scrape_runs WHERE started_at < $1', [daysBefore(now, policy.runsDays)]);
  const errors = await db.query('DELETE FROM scrape_errors WHERE occurred_at < $1', [daysBefore(now, policy.errorsDays)]);
  return { mode, archived, archivedRows, hourlyDeleted, runsDeleted: runs.rowCount ?? 0, errorsDeleted: errors.rowCount ?? 0, partitionsCreated };
}

/**
 * TimescaleDB: copies the rows of every chunk wholly older than the cutoff into the archive, then
 * drops those chunks, in one transaction. (A retention policy alone would drop without archiving.)
 */
async function archiveChunks(client: pg.PoolClient, table: string, cutoff: Date): Promise<{ chunks: string[]; rows: number }> {
  await client.query('BEGIN');
  try {
    const chunks = await client.query<{ chunk_name: string; range_end: Date }>(
      `SELECT chunk_name, range_end FROM timescaledb_information.chunks
        WHERE hypertable_name = $1 AND range_end <= $2 ORDER BY range_end`,
      [table, cutoff],
    );
    const last = chunks.rows.at(-1);
    if (!last) {
      await client.query('COMMIT');
      return { chunks: [], rows: 0 };
    }
    const moved = await client.query(`INSERT INTO ${table}_archive SELECT * FROM ${table} WHERE captured_at < $1`, [last.range_end]);
    await client.query(`SELECT drop_chunks($1::regclass, older_than => $2::timestamptz)`, [table, last.range_end]);
    await client.query('COMMIT');
    return { chunks: chunks.rows.map((c) => c.chunk_name), rows: moved.rowCount ?? 0 };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
