import { BUCKET_ORIGIN, bucketStart } from '../domain/buckets';
import { withTransaction, type Db } from './pool';

/**
 * Hourly rollups from the zone-level snapshot rows, daily rollups from hourly, per event,
 * marketplace and zone. Meanings (the seed's, kept exact across levels by storing sums and counts):
 * min of lowest prices, max of highest, average of the snapshot averages, min of the group
 * prices for 2 and 4, peak tickets (max) and average tickets (sum / count), likewise listings.
 * The price figures on both bases (price-basis.ts): the unprefixed columns before fees, the
 * `all_in_*` ones all in, each from the snapshot figures of its own basis.
 *
 * Plain mode: tables maintained here. Each call recomputes the whole periods overlapping
 * [from, to) plus every period marked dirty (ingest marks the hour of each scrape; the hourly
 * rollup marks the days it changed), and upserts them: re-running gives the same rows, and
 * late data re-aggregates exactly the periods it touches. Rows are never deleted here, so
 * recomputing a period whose sources were archived keeps what was rolled up.
 *
 * Both storage layouts: the same tables and this same code (TimescaleDB's continuous aggregates
 * were replaced in migration 040 because they answered differently on late data, archived periods
 * and deleted events; see that migration).
 */
export interface RollupWindow {
  from: Date;
  to: Date;
}

export interface RollupResult {
  /** Rollup rows written (inserted or updated), counted once per row even when a dirty period repeats the window. */
  rows: number;
  /** Dirty periods claimed besides the window. */
  dirtyPeriods: number;
}

const ORIGIN = `'${BUCKET_ORIGIN}'::timestamptz`;
const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;

const ROLLUP_COLUMNS = `bucket, event_id, marketplace, zone, min_price, max_price, avg_price_sum, avg_price_count, min_price_2,
  min_price_4, tickets_max, tickets_sum, tickets_count, listings_max, listings_sum, listings_count, samples,
  all_in_min_price, all_in_max_price, all_in_avg_price_sum, all_in_avg_price_count, all_in_min_price_2, all_in_min_price_4`;

const UPDATE_ALL = ROLLUP_COLUMNS.split(',')
  .map((c) => c.trim())
  .filter((c) => !['bucket', 'event_id', 'marketplace', 'zone'].includes(c))
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

/** Hourly aggregates of snapshots `s` (the FROM clause supplies s and its filter). */
function hourlySelect(from: string, where: string): string {
  return `SELECT date_bin('1 hour', s.captured_at, ${ORIGIN}), s.event_id, s.marketplace, s.zone,
      min(s.lowest_price), max(s.highest_price), sum(s.average_price), count(s.average_price),
      min(s.lowest_price_2), min(s.lowest_price_4),
      max(s.total_tickets), sum(s.total_tickets), count(s.total_tickets),
      max(s.total_listings), sum(s.total_listings), count(s.total_listings), count(*),
      min(s.all_in_lowest_price), max(s.all_in_highest_price), sum(s.all_in_average_price), count(s.all_in_average_price),
      min(s.all_in_lowest_price_2), min(s.all_in_lowest_price_4)
    FROM ${from} WHERE s.section = '' AND ${where}
    GROUP BY 1, 2, 3, 4`;
}

/** Daily aggregates of hourly rows `h`. */
function dailySelect(from: string, where: string): string {
  return `SELECT date_bin('1 day', h.bucket, ${ORIGIN}), h.event_id, h.marketplace, h.zone,
      min(h.min_price), max(h.max_price), sum(h.avg_price_sum), sum(h.avg_price_count),
      min(h.min_price_2), min(h.min_price_4),
      max(h.tickets_max), sum(h.tickets_sum), sum(h.tickets_count),
      max(h.listings_max), sum(h.listings_sum), sum(h.listings_count), sum(h.samples),
      min(h.all_in_min_price), max(h.all_in_max_price), sum(h.all_in_avg_price_sum), sum(h.all_in_avg_price_count),
      min(h.all_in_min_price_2), min(h.all_in_min_price_4)
    FROM ${from} WHERE ${where}
    GROUP BY 1, 2, 3, 4`;
}

function upsert(table: 'rollup_hourly' | 'rollup_daily', select: string, markDays: boolean): string {
  const mark = markDays
    ? `, marked AS (
         INSERT INTO rollup_dirty (kind, event_id, marketplace, period_start)
         SELECT DISTINCT 'day', event_id, marketplace, date_bin('1 day', bucket, ${ORIGIN}) FROM up
         ON CONFLICT DO NOTHING)`
    : '';
  return `WITH up AS (
      INSERT INTO ${table} (${ROLLUP_COLUMNS}) ${select}
      ON CONFLICT (event_id, zone, bucket, marketplace) DO UPDATE SET ${UPDATE_ALL}
      RETURNING event_id, marketplace, bucket)${mark}
    SELECT count(*)::int AS n FROM up`;
}

/** [from, to) widened to whole periods: recomputing part of a period would write a wrong aggregate. */
function align(window: RollupWindow, seconds: number): RollupWindow {
  const from = bucketStart(window.from, seconds);
  const toStart = bucketStart(window.to, seconds);
  const to = toStart.getTime() === window.to.getTime() ? toStart : new Date(toStart.getTime() + seconds * 1000);
  return { from, to };
}

interface DirtyPeriods {
  eventIds: string[];
  marketplaces: string[];
  starts: Date[];
}

async function claimDirty(client: { query: Db['query'] }, kind: 'hour' | 'day'): Promise<DirtyPeriods> {
  const res = await client.query<{ event_id: string; marketplace: string; period_start: Date }>(
    'DELETE FROM rollup_dirty WHERE kind = $1 RETURNING event_id, marketplace, period_start',
    [kind],
  );
  return {
    eventIds: res.rows.map((r) => r.event_id),
    marketplaces: res.rows.map((r) => r.marketplace),
    starts: res.rows.map((r) => r.period_start),
  };
}

function outsideWindow(d: DirtyPeriods, w: RollupWindow): DirtyPeriods {
  const keep = d.starts.map((s) => s < w.from || s >= w.to);
  return {
    eventIds: d.eventIds.filter((_, i) => keep[i]),
    marketplaces: d.marketplaces.filter((_, i) => keep[i]),
    starts: d.starts.filter((_, i) => keep[i]),
  };
}

async function rollup(db: Db, window: RollupWindow, level: 'hour' | 'day'): Promise<RollupResult> {
  const seconds = level === 'hour' ? HOUR_S : DAY_S;
  const w = align(window, seconds);
  const table = level === 'hour' ? 'rollup_hourly' : 'rollup_daily';
  return withTransaction(db, async (client) => {
    // Claimed first: a scrape committed after this point marks its hour again for the next run.
    const claimed = await claimDirty(client, level);
    // Dirty periods inside the window are recomputed with it: leaving them out here keeps `rows`
    // a count of distinct rows written.
    const dirty = outsideWindow(claimed, w);
    const select = level === 'hour' ? hourlySelect : dailySelect;
    const alias = level === 'hour' ? 's' : 'h';
    const source = level === 'hour' ? 'ticket_snapshots s' : 'rollup_hourly h';
    const timeCol = level === 'hour' ? 's.captured_at' : 'h.bucket';
    let rows = 0;
    const inWindow = await client.query<{ n: number }>(
      upsert(table, select(source, `${timeCol} >= $1 AND ${timeCol} < $2`), level === 'hour'),
      [w.from, w.to],
    );
    rows += inWindow.rows[0]?.n ?? 0;
    if (dirty.starts.length > 0) {
      const from = `unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS d(event_id, marketplace, period_start)
        JOIN ${source} ON ${alias}.event_id = d.event_id AND ${alias}.marketplace = d.marketplace
         AND ${timeCol} >= d.period_start AND ${timeCol} < d.period_start + interval '${seconds} seconds'`;
      const res = await client.query<{ n: number }>(upsert(table, select(from, 'true'), level === 'hour'), [
        dirty.eventIds,
        dirty.marketplaces,
        dirty.starts,
      ]);
      rows += res.rows[0]?.n ?? 0;
    }
    return { rows, dirtyPeriods: claimed.starts.length };
  });
}

/** Recomputes the hourly rollup for the hours overlapping [from, to) and every dirty hour. */
export function rollupHourly(db: Db, window: RollupWindow): Promise<RollupResult> {
  return rollup(db, window, 'hour');
}

/** Recomputes the daily rollup (from hourly) for the days overlapping [from, to) and every dirty day. */
export function rollupDaily(db: Db, window: RollupWindow): Promise<RollupResult> {
  return rollup(db, window, 'day');
}

export interface RefreshResult {
  /** Hourly and daily rollup rows written. */
  hourlyRows: number;
  dailyRows: number;
}

/**
 * Rolls up the periods marked since the last rollup and nothing else: the hours that scrapes
 * marked, then the days the hourly rollup changed (what a cycle touched, at its end). An empty
 * window at a day boundary, so only marked periods are recomputed.
 */
export async function refreshRollups(db: Db): Promise<RefreshResult> {
  const none = { from: new Date(BUCKET_ORIGIN), to: new Date(BUCKET_ORIGIN) };
  const hourly = await rollupHourly(db, none);
  const daily = await rollupDaily(db, none);
  return { hourlyRows: hourly.rows, dailyRows: daily.rows };
}
