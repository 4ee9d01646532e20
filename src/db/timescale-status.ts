import type { Queryable } from './analytics/query';

/**
 * What `db status` shows of the TimescaleDB layout, from TimescaleDB's own views
 * (timescaledb_information.hypertables, .chunks, .jobs, .job_stats, .job_errors and
 * hypertable_compression_stats()).
 */
export interface HypertableStatus {
  hypertable: string;
  chunks: number;
  compressedChunks: number;
  /** Bytes of the compressed chunks before and after compression (null when none is compressed). */
  bytesBeforeCompression: number | null;
  bytesAfterCompression: number | null;
  /** before / after, rounded to 0.1 (null when no chunk is compressed). */
  compressionRatio: number | null;
  /** Total size of the hypertable with its chunks and indexes, bytes. */
  totalBytes: number;
}

export interface PolicyStatus {
  jobId: number;
  /** e.g. policy_compression. */
  policy: string;
  hypertable: string | null;
  scheduleInterval: string;
  scheduled: boolean;
  lastRunStartedAt: Date | null;
  /** TimescaleDB's own words: Success, Failed, or null before the first run. */
  lastRunStatus: string | null;
  nextStart: Date | null;
  totalRuns: number;
  totalFailures: number;
  /** The latest error a run of this job logged (e.g. "cannot drop portal" on some PostgreSQL minors). */
  lastError: string | null;
}

export interface TimescaleStatus {
  extensionVersion: string;
  hypertables: HypertableStatus[];
  policies: PolicyStatus[];
}

const toNum = (v: string | number | null): number | null => (v === null ? null : Number(v));

export async function timescaleStatus(db: Queryable): Promise<TimescaleStatus> {
  const version = await db.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`);
  const hypertables = await db.query<{
    hypertable_name: string;
    chunks: string;
    compressed: string;
    before: string | null;
    after: string | null;
    total: string;
  }>(
    `SELECT h.hypertable_name,
            (SELECT count(*) FROM timescaledb_information.chunks c WHERE c.hypertable_schema = h.hypertable_schema AND c.hypertable_name = h.hypertable_name) AS chunks,
            (SELECT count(*) FROM timescaledb_information.chunks c WHERE c.hypertable_schema = h.hypertable_schema AND c.hypertable_name = h.hypertable_name AND c.is_compressed) AS compressed,
            s.before_compression_total_bytes AS before, s.after_compression_total_bytes AS after,
            hypertable_size(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) AS total
       FROM timescaledb_information.hypertables h
       LEFT JOIN LATERAL hypertable_compression_stats(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) s ON true
      ORDER BY h.hypertable_name`,
  );
  const policies = await db.query<{
    job_id: number;
    proc_name: string;
    hypertable_name: string | null;
    schedule_interval: string;
    scheduled: boolean;
    last_run_started_at: Date | null;
    last_run_status: string | null;
    next_start: Date | null;
    total_runs: string | null;
    total_failures: string | null;
    last_error: string | null;
  }>(
    `SELECT j.job_id, j.proc_name, j.hypertable_name, j.schedule_interval::text, j.scheduled,
            CASE WHEN isfinite(s.last_run_started_at) THEN s.last_run_started_at END AS last_run_started_at, s.last_run_status,
            CASE WHEN isfinite(s.next_start) THEN s.next_start END AS next_start, s.total_runs, s.total_failures,
            (SELECT e.err_message FROM timescaledb_information.job_errors e WHERE e.job_id = j.job_id ORDER BY e.finish_time DESC NULLS LAST LIMIT 1) AS last_error
       FROM timescaledb_information.jobs j
       LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
      WHERE j.job_id >= 1000
      ORDER BY j.hypertable_name, j.proc_name, j.job_id`,
  );
  return {
    extensionVersion: version.rows[0]?.extversion ?? 'unknown',
    hypertables: hypertables.rows.map((h) => {
      const before = toNum(h.before);
      const after = toNum(h.after);
      const compressed = Number(h.compressed);
      return {
        hypertable: h.hypertable_name,
        chunks: Number(h.chunks),
        compressedChunks: compressed,
        bytesBeforeCompression: compressed > 0 ? before : null,
        bytesAfterCompression: compressed > 0 ? after : null,
        compressionRatio: compressed > 0 && before !== null && after ? Math.round((before / after) * 10) / 10 : null,
        totalBytes: Number(h.total),
      };
    }),
    policies: policies.rows.map((p) => ({
      jobId: p.job_id,
      policy: p.proc_name,
      hypertable: p.hypertable_name,
      scheduleInterval: p.schedule_interval,
      scheduled: p.scheduled,
      lastRunStartedAt: p.last_run_started_at,
      lastRunStatus: p.last_run_status,
      nextStart: p.next_start,
      totalRuns: Number(p.total_runs ?? 0),
      totalFailures: Number(p.total_failures ?? 0),
      lastError: p.last_error,
    })),
  };
}
