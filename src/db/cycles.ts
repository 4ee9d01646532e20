import type { Db } from './pool';

/**
 * Cycles (the tracker's, and one-off scrapes; table cycles, keyed by the cycle's cycle_id) and
 * scrape errors: the operator's record of what ran and what failed. Writes are idempotent so that retried activities record once.
 */
export type CycleStatus = 'running' | 'succeeded' | 'partial' | 'failed';

export interface CycleRecord {
  cycleId: string;
  status: CycleStatus;
  startedAt: Date;
  finishedAt: Date | null;
  eventsScraped: number;
  errorsCount: number;
  durationMs: number | null;
  details: unknown;
}

export interface ScrapeError {
  id: number;
  cycleId: string | null;
  eventId: number | null;
  marketplace: string | null;
  attempt: number;
  message: string;
  occurredAt: Date;
}

interface CycleRow {
  cycle_id: string;
  status: CycleStatus;
  started_at: Date;
  finished_at: Date | null;
  events_scraped: number;
  errors_count: number;
  duration_ms: string | null;
  details: unknown;
}

const toCycleRecord = (r: CycleRow): CycleRecord => ({
  cycleId: r.cycle_id,
  status: r.status,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  eventsScraped: r.events_scraped,
  errorsCount: r.errors_count,
  durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
  details: r.details,
});

const CYCLE_COLUMNS = 'cycle_id, status, started_at, finished_at, events_scraped, errors_count, duration_ms, details';

/** Records that a cycle started; a repeated call for the same cycle id returns the existing record. */
export async function recordCycleStart(db: Db, input: { cycleId: string; startedAt: Date }): Promise<CycleRecord> {
  const res = await db.query<CycleRow>(
    `INSERT INTO cycles (cycle_id, status, started_at) VALUES ($1, 'running', $2)
     ON CONFLICT (cycle_id) DO UPDATE SET cycle_id = EXCLUDED.cycle_id
     RETURNING ${CYCLE_COLUMNS}`,
    [input.cycleId, input.startedAt],
  );
  return toCycleRecord(res.rows[0]!);
}

export interface RecordCycleEndInput {
  cycleId: string;
  status: Exclude<CycleStatus, 'running'>;
  eventsScraped: number;
  errors: number;
  finishedAt: Date;
  /** Defaults to finishedAt - startedAt. */
  durationMs?: number;
  details?: unknown;
}

/**
 * Records a cycle's outcome (setting the same outcome twice is harmless). A cycle that was never
 * started is created finished, so a lost start does not lose the outcome.
 */
export async function recordCycleEnd(db: Db, input: RecordCycleEndInput): Promise<CycleRecord> {
  const res = await db.query<CycleRow>(
    `INSERT INTO cycles (cycle_id, status, started_at, finished_at, events_scraped, errors_count, duration_ms, details)
     VALUES ($1, $2, $3::timestamptz - make_interval(secs => coalesce($5::bigint, 0) / 1000.0), $3::timestamptz, $4, $6, $5::bigint, $7)
     ON CONFLICT (cycle_id) DO UPDATE SET
       status = EXCLUDED.status,
       finished_at = EXCLUDED.finished_at,
       events_scraped = EXCLUDED.events_scraped,
       errors_count = EXCLUDED.errors_count,
       duration_ms = coalesce($5::bigint, (extract(epoch FROM EXCLUDED.finished_at - cycles.started_at) * 1000)::bigint),
       details = EXCLUDED.details
     RETURNING ${CYCLE_COLUMNS}`,
    [
      input.cycleId,
      input.status,
      input.finishedAt,
      input.eventsScraped,
      input.durationMs ?? null,
      input.errors,
      input.details === undefined ? null : JSON.stringify(input.details),
    ],
  );
  return toCycleRecord(res.rows[0]!);
}

export interface RecordScrapeErrorInput {
  cycleId?: string | null;
  eventId?: number | null;
  marketplace?: string | null;
  attempt: number;
  message: string;
  at: Date;
}

/**
 * Records one failed attempt. With a cycle id the (cycle, event, marketplace, attempt) tuple is the
 * key, so a replayed activity records its failure once; returns false when it was already there.
 */
export async function recordScrapeError(db: Db, input: RecordScrapeErrorInput): Promise<boolean> {
  const key = input.cycleId ? `${input.cycleId}|${input.eventId ?? ''}|${input.marketplace ?? ''}|${input.attempt}` : null;
  const res = await db.query(
    `INSERT INTO scrape_errors (cycle_id, event_id, marketplace, attempt, message, occurred_at, dedupe_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING`,
    [input.cycleId ?? null, input.eventId ?? null, input.marketplace ?? null, input.attempt, input.message.slice(0, 4000), input.at, key],
  );
  return (res.rowCount ?? 0) > 0;
}

/** Errors recorded at or after `since` (the error-rate alert counts these). */
export async function countRecentErrors(db: Db, since: Date): Promise<number> {
  const res = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM scrape_errors WHERE occurred_at >= $1', [since]);
  return res.rows[0]?.n ?? 0;
}

/** The latest cycles, newest first. */
export async function listCycles(db: Db, limit: number): Promise<CycleRecord[]> {
  const res = await db.query<CycleRow>(`SELECT ${CYCLE_COLUMNS} FROM cycles ORDER BY started_at DESC LIMIT $1`, [limit]);
  return res.rows.map(toCycleRecord);
}

/** Errors since `since`, newest first. */
export async function listScrapeErrors(db: Db, since: Date, limit = 500): Promise<ScrapeError[]> {
  const res = await db.query<{
    id: string;
    cycle_id: string | null;
    event_id: string | null;
    marketplace: string | null;
    attempt: number;
    message: string;
    occurred_at: Date;
  }>(
    `SELECT id, cycle_id, event_id, marketplace, attempt, message, occurred_at FROM scrape_errors
      WHERE occurred_at >= $1 ORDER BY occurred_at DESC LIMIT $2`,
    [since, limit],
  );
  return res.rows.map((r) => ({
    id: Number(r.id),
    cycleId: r.cycle_id,
    eventId: r.event_id === null ? null : Number(r.event_id),
    marketplace: r.marketplace,
    attempt: r.attempt,
    message: r.message,
    occurredAt: r.occurred_at,
  }));
}
