import { BUCKET_ORIGIN, bucketStart, resolutionFor, type Bucket, type Resolution } from '../../domain/buckets';
import { SUMMARY_ZONE, type MarketplaceName } from '../../domain/listing';
import { basisColumnPrefix, DEFAULT_PRICE_BASIS, type PriceBasis } from '../../domain/price-basis';
import { cents, num, type BuiltQuery, type Queryable } from './query';

export type Quantity = 1 | 2 | 4;

export interface HistoryQuery {
  eventId: number;
  from: Date;
  to: Date;
  bucket: Bucket;
  /** Defaults to the whole event (zone 'ALL'). */
  zone?: string;
  source?: MarketplaceName;
  /** 1: per-ticket prices; 2 or 4: lowest total price for that many tickets together. */
  quantity?: Quantity;
  /** The price basis of every figure read (price-basis.ts); all-in when absent. */
  basis?: PriceBasis;
}

export interface HistoryRow {
  bucket: Date;
  source: string;
  zone: string;
  quantity: Quantity;
  /** The basis of lowest, average and highest. */
  basis: PriceBasis;
  /**
   * Where the figures came from: daily or hourly rollups (with the snapshots not rolled up yet)
   * when the bucket allows, raw snapshots otherwise.
   */
  resolution: Resolution;
  lowest: number | null;
  /** Per-ticket average and highest (quantity 1 only). */
  average: number | null;
  highest: number | null;
  ticketsPeak: number | null;
  ticketsAverage: number | null;
  listingsPeak: number | null;
  listingsAverage: number | null;
  /** Snapshots behind the row. */
  samples: number;
}

const ORIGIN = `'${BUCKET_ORIGIN}'::timestamptz`;

/** The columns of rollup_hourly and rollup_daily that the readers aggregate, in this order. */
const rollupFigures = (
  p: string,
): string => `${p}min_price, ${p}max_price, ${p}avg_price_sum, ${p}avg_price_count, ${p}min_price_2, ${p}min_price_4,
  tickets_max, tickets_sum, tickets_count, listings_max, listings_sum, listings_count, samples`;

/** The same figures as ROLLUP_FIGURES over zone-level snapshots `s` (what rollupHourly computes). */
const rawFigures = (
  p: string,
): string => `min(s.${p}lowest_price), max(s.${p}highest_price), sum(s.${p}average_price), count(s.${p}average_price),
  min(s.${p}lowest_price_2), min(s.${p}lowest_price_4), max(s.total_tickets), sum(s.total_tickets), count(s.total_tickets),
  max(s.total_listings), sum(s.total_listings), count(s.total_listings), count(*)`;

/** The same figures over hourly rows `h` (what rollupDaily computes). */
const hourlyFigures = (
  p: string,
): string => `min(h.${p}min_price), max(h.${p}max_price), sum(h.${p}avg_price_sum), sum(h.${p}avg_price_count),
  min(h.${p}min_price_2), min(h.${p}min_price_4), max(h.tickets_max), sum(h.tickets_sum), sum(h.tickets_count),
  max(h.listings_max), sum(h.listings_sum), sum(h.listings_count), sum(h.samples)`;

const prefixed = (alias: string, p: string): string =>
  rollupFigures(p)
    .split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');

/**
 * Fresh rows of one rollup level, as the CTEs `fresh_h` (hourly) and, for daily, `fresh_d`:
 * the materialized rollup rows, except where the raw tail not rolled up yet replaces them.
 *
 * What is not rolled up yet is exactly what `rollup_dirty` holds: ingest marks a scrape's hour
 * in the statement that stores it, and a rollup claims the marks in the transaction that writes
 * the rows (and marks the days it changed), so one statement sees either the mark and the old
 * row, or the new row. A marked hour is recomputed from the snapshots the way rollupHourly does,
 * and replaces the stored row of the same (bucket, marketplace) when it has snapshots (a rollup
 * keeps its row when the snapshots were archived); a day is recomputed from those fresh hours
 * when it is marked or holds a marked hour with snapshots in any zone (the days the hourly rollup
 * marks), and replaces the stored day when some hour of it is left (retention deletes old hours). So a fresh read gives the figures a full rollup
 * would give, bucket for bucket, never a bucket counted twice or half.
 *
 * Every CTE carries `event_id`, so one statement can read many events: `events(alias)` is the
 * condition on `alias.event_id` ($2: one event, or `= ANY($2)` for a list).
 * Parameters: $2 event(s), $3 zone, `lo` and `hi` SQL expressions bounding the buckets read
 * (bucket >= lo AND bucket < hi), `source` an extra filter on marketplace (`AND ... = $n`),
 * `rawBounds` two parameters bounding the snapshots' captured_at: constants when the statement
 * is planned, so only the partitions or chunks of the marked hours are planned and scanned (with
 * bounds from rollup_dirty itself, planning over every partition took 5 ms in the plain layout
 * and 61 ms in TimescaleDB's on the query bench's 10 M rows).
 */
function freshRollupCtes(
  level: 'hourly' | 'daily',
  events: (alias: string) => string,
  lo: string,
  hi: string,
  source: (alias: string) => string,
  rawBounds: [string, string],
  /** The price columns' prefix of the basis read (basisColumnPrefix). */
  p: string,
): string {
  const dirtyHours =
    level === 'hourly'
      ? `d.period_start >= ${lo} AND d.period_start < ${hi}`
      : `d.period_start >= ${lo} AND d.period_start < ${hi}::timestamptz + interval '1 day'
         AND date_bin('1 day', d.period_start, ${ORIGIN}) < ${hi}`;
  const hours = `dirty_h AS (
      SELECT d.event_id, d.marketplace, d.period_start FROM rollup_dirty d
       WHERE d.kind = 'hour' AND ${events('d')} AND ${dirtyHours}${source('d')}
    ), raw_h AS (
      SELECT d.event_id, d.period_start AS bucket, d.marketplace, ${rawFigures(p)}
        FROM dirty_h d
        JOIN ticket_snapshots s ON s.event_id = d.event_id AND ${events('s')} AND s.marketplace = d.marketplace AND s.zone = $3 AND s.section = ''
         AND s.captured_at >= d.period_start AND s.captured_at < d.period_start + interval '1 hour'
         AND s.captured_at >= ${rawBounds[0]} AND s.captured_at < ${rawBounds[1]}
       GROUP BY 1, 2, 3
    )`;
  const notReplaced = (from: string) =>
    `NOT EXISTS (SELECT 1 FROM ${from} f WHERE f.event_id = r.event_id AND f.bucket = r.bucket AND f.marketplace = r.marketplace)`;
  if (level === 'hourly') {
    return `${hours}, fresh_h AS (
      SELECT r.event_id, r.bucket, r.marketplace, ${prefixed('r', p)} FROM rollup_hourly r
       WHERE ${events('r')} AND r.zone = $3 AND r.bucket >= ${lo} AND r.bucket < ${hi}${source('r')}
         AND ${notReplaced('raw_h')}
      UNION ALL SELECT * FROM raw_h
    )`;
  }
  return `${hours}, dirty_d AS (
      SELECT d.event_id, d.marketplace, d.period_start AS day FROM rollup_dirty d
       WHERE d.kind = 'day' AND ${events('d')} AND d.period_start >= ${lo} AND d.period_start < ${hi}${source('d')}
      UNION
      -- The days the hourly rollup will mark: those of marked hours it writes a row for (any zone).
      SELECT d.event_id, d.marketplace, date_bin('1 day', d.period_start, ${ORIGIN}) FROM dirty_h d
       WHERE EXISTS (SELECT 1 FROM ticket_snapshots s WHERE s.event_id = d.event_id AND ${events('s')} AND s.marketplace = d.marketplace AND s.section = ''
               AND s.captured_at >= d.period_start AND s.captured_at < d.period_start + interval '1 hour'
               AND s.captured_at >= ${rawBounds[0]} AND s.captured_at < ${rawBounds[1]})
    ), hours_of_dirty_days AS (
      SELECT r.event_id, r.bucket, r.marketplace, ${prefixed('r', p)}
        FROM dirty_d d JOIN rollup_hourly r ON r.event_id = d.event_id AND r.zone = $3 AND r.marketplace = d.marketplace
         AND r.bucket >= d.day AND r.bucket < d.day + interval '1 day'
       -- The same rows bounded by constants too: an index range however many marks the planner
       -- expects (statistics taken while a cycle's marks were waiting planned a sequential scan).
       WHERE ${events('r')} AND r.bucket >= ${lo} AND r.bucket < ${hi}::timestamptz + interval '1 day'
         AND ${notReplaced('raw_h')}
      UNION ALL SELECT * FROM raw_h
    ), raw_d AS (
      SELECT h.event_id, date_bin('1 day', h.bucket, ${ORIGIN}) AS bucket, h.marketplace, ${hourlyFigures(p)}
        FROM hours_of_dirty_days h GROUP BY 1, 2, 3
    ), fresh_d AS (
      SELECT r.event_id, r.bucket, r.marketplace, ${prefixed('r', p)} FROM rollup_daily r
       WHERE ${events('r')} AND r.zone = $3 AND r.bucket >= ${lo} AND r.bucket < ${hi}${source('r')}
         AND ${notReplaced('raw_d')}
      UNION ALL SELECT * FROM raw_d
    )`;
}

/** Bounds on the captured_at of the snapshots not rolled up yet that a history read combines with the rollups. */
export interface RawTail {
  from: Date;
  to: Date;
}

/** A history read of many events at once: HistoryQuery with a list of events. */
export interface EventsHistoryQuery extends Omit<HistoryQuery, 'eventId'> {
  /** Event ids; an empty list reads nothing. */
  eventIds: readonly number[];
}

/** One event ($2 a bigint) or a list ($2 a bigint[]). */
type Events = { one: number } | { many: readonly number[] };

const eventsCondition =
  (e: Events) =>
  (alias: string): string =>
    'one' in e ? `${alias}.event_id = $2` : `${alias}.event_id = ANY($2::bigint[])`;

/** The hours a read can hold marks in: its buckets' span (whole days for daily buckets). */
function markedRange(q: Pick<HistoryQuery, 'from' | 'to' | 'bucket'>): RawTail {
  const from = bucketStart(q.from, q.bucket.seconds);
  const to = resolutionFor(q.bucket.seconds) === 'daily' ? new Date(q.to.getTime() + 86_400_000) : new Date(q.to.getTime() + 3_600_000);
  return { from, to };
}

async function rawTailFor(db: Queryable, q: Omit<HistoryQuery, 'eventId'>, eventIds: readonly number[]): Promise<RawTail | null> {
  const range = markedRange(q);
  const res = await db.query<{ first: Date | null; last: Date | null }>(
    `SELECT min(period_start) AS first, max(period_start) AS last FROM rollup_dirty
      WHERE kind = 'hour' AND event_id = ANY($1::bigint[]) AND period_start >= $2 AND period_start < $3
        AND ($4::text IS NULL OR marketplace = $4)`,
    [eventIds, range.from, range.to, q.source ?? null],
  );
  const r = res.rows[0];
  return r?.first && r.last ? { from: r.first, to: new Date(r.last.getTime() + 3_600_000) } : null;
}

/**
 * The span of the hours of this read not rolled up yet (rollup_dirty), as bounds for
 * buildHistoryQuery; null when there are none. One index lookup on rollup_dirty's key. A mark
 * that commits after this lookup and before the read is left for the next read: the read then
 * answers as of before that scrape, never with part of it.
 */
export async function rawTailOf(db: Queryable, q: HistoryQuery): Promise<RawTail | null> {
  return rawTailFor(db, q, [q.eventId]);
}

/**
 * The span of the hours not rolled up yet of any of the events (one statement), as bounds for
 * buildEventsHistoryQuery: the hull of every event's span, so it bounds each one's snapshots.
 */
export async function rawTailOfEvents(db: Queryable, q: EventsHistoryQuery): Promise<RawTail | null> {
  return rawTailFor(db, q, q.eventIds);
}

/**
 * The SQL of `history` and `historyOfEvents`: the same text in both storage modes, each row
 * carrying its `event_id`. The first bucket starts at the bucket boundary at or before `from`,
 * so it is never a partial rollup period. Buckets of whole hours or days read the rollups
 * combined with the raw snapshots not rolled up yet (freshRollupCtes), so a scrape counts the
 * moment it is committed; other buckets read the snapshots.
 */
function buildQuery(
  q: Omit<HistoryQuery, 'eventId'>,
  events: Events,
  rawTail: RawTail | null | undefined,
): BuiltQuery & { resolution: Resolution } {
  const resolution = resolutionFor(q.bucket.seconds);
  const p = basisColumnPrefix(q.basis ?? DEFAULT_PRICE_BASIS);
  const values: unknown[] = [q.bucket.interval, 'one' in events ? events.one : events.many, q.zone ?? SUMMARY_ZONE, q.from, q.to];
  if (q.source) values.push(q.source);
  const source = (alias: string): string => (q.source ? ` AND ${alias}.marketplace = $6` : '');
  const cond = eventsCondition(events);
  const lo = `date_bin($1::interval, $4::timestamptz, ${ORIGIN})`;
  const tail = rawTail === undefined ? markedRange(q) : (rawTail ?? { from: q.from, to: q.from });
  if (resolution !== 'raw') values.push(tail.from, tail.to);
  const rawBounds: [string, string] = [`$${values.length - 1}::timestamptz`, `$${values.length}::timestamptz`];
  const text =
    resolution === 'raw'
      ? `SELECT x.event_id, date_bin($1::interval, x.captured_at, ${ORIGIN}) AS t, x.marketplace,
            min(x.${p}lowest_price) AS lowest1, min(x.${p}lowest_price_2) AS lowest2, min(x.${p}lowest_price_4) AS lowest4,
            sum(x.${p}average_price) / nullif(count(x.${p}average_price), 0) AS average, max(x.${p}highest_price) AS highest,
            max(x.total_tickets) AS tickets_peak, avg(x.total_tickets) AS tickets_avg,
            max(x.total_listings) AS listings_peak, avg(x.total_listings) AS listings_avg, count(*) AS samples
           FROM ticket_snapshots x
          WHERE ${cond('x')} AND x.zone = $3 AND x.section = ''
            AND x.captured_at >= ${lo} AND x.captured_at < $5${source('x')}
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`
      : `WITH ${freshRollupCtes(resolution, cond, lo, '$5::timestamptz', source, rawBounds, p)}
         SELECT x.event_id, date_bin($1::interval, x.bucket, ${ORIGIN}) AS t, x.marketplace,
            min(x.${p}min_price) AS lowest1, min(x.${p}min_price_2) AS lowest2, min(x.${p}min_price_4) AS lowest4,
            sum(x.${p}avg_price_sum) / nullif(sum(x.${p}avg_price_count), 0) AS average, max(x.${p}max_price) AS highest,
            max(x.tickets_max) AS tickets_peak, sum(x.tickets_sum)::numeric / nullif(sum(x.tickets_count), 0) AS tickets_avg,
            max(x.listings_max) AS listings_peak, sum(x.listings_sum)::numeric / nullif(sum(x.listings_count), 0) AS listings_avg,
            sum(x.samples) AS samples
           FROM ${resolution === 'daily' ? 'fresh_d' : 'fresh_h'} x
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  return { text, values, resolution };
}

/**
 * `rawTail` bounds the snapshots read besides the rollups (rawTailOf); left out, every hour the
 * read spans, which is right but plans every partition; null: none.
 */
export function buildHistoryQuery(q: HistoryQuery, rawTail?: RawTail | null): BuiltQuery & { resolution: Resolution } {
  return buildQuery(q, { one: q.eventId }, rawTail);
}

/** buildHistoryQuery for many events in one statement (`event_id = ANY($2)`); `rawTail` from rawTailOfEvents. */
export function buildEventsHistoryQuery(q: EventsHistoryQuery, rawTail?: RawTail | null): BuiltQuery & { resolution: Resolution } {
  return buildQuery(q, { many: q.eventIds }, rawTail);
}

interface Raw {
  event_id: string;
  t: Date;
  marketplace: string;
  lowest1: string | null;
  lowest2: string | null;
  lowest4: string | null;
  average: string | null;
  highest: string | null;
  tickets_peak: number | null;
  tickets_avg: string | null;
  listings_peak: number | null;
  listings_avg: string | null;
  samples: string;
}

function toRow(r: Raw, q: Omit<HistoryQuery, 'eventId'>, resolution: Resolution): HistoryRow {
  const quantity = q.quantity ?? 1;
  return {
    bucket: r.t,
    source: r.marketplace,
    zone: q.zone ?? SUMMARY_ZONE,
    quantity,
    basis: q.basis ?? DEFAULT_PRICE_BASIS,
    resolution,
    lowest: num(quantity === 1 ? r.lowest1 : quantity === 2 ? r.lowest2 : r.lowest4),
    average: quantity === 1 ? cents(r.average) : null,
    highest: quantity === 1 ? num(r.highest) : null,
    ticketsPeak: r.tickets_peak,
    ticketsAverage: cents(r.tickets_avg),
    listingsPeak: r.listings_peak,
    listingsAverage: cents(r.listings_avg),
    samples: Number(r.samples),
  };
}

/** Prices over time for one event, per bucket and marketplace, for one zone and group size. */
export async function history(db: Queryable, q: HistoryQuery): Promise<HistoryRow[]> {
  const built = resolutionFor(q.bucket.seconds) === 'raw' ? buildHistoryQuery(q) : buildHistoryQuery(q, await rawTailOf(db, q));
  const res = await db.query<Raw>(built.text, built.values);
  return res.rows.map((r) => toRow(r, q, built.resolution));
}

/**
 * `history` of many events in two statements (the span not rolled up yet, then one read with
 * `event_id = ANY(...)`) instead of two per event: the same rows, event by event, as
 * `history(db, {...q, eventId})`. Returns a map from every requested event id to its rows
 * (an empty list when it has none), ordered by bucket then marketplace.
 */
export async function historyOfEvents(db: Queryable, q: EventsHistoryQuery): Promise<Map<number, HistoryRow[]>> {
  const out = new Map<number, HistoryRow[]>(q.eventIds.map((id) => [id, []]));
  if (q.eventIds.length === 0) return out;
  const built =
    resolutionFor(q.bucket.seconds) === 'raw' ? buildEventsHistoryQuery(q) : buildEventsHistoryQuery(q, await rawTailOfEvents(db, q));
  const res = await db.query<Raw>(built.text, built.values);
  for (const r of res.rows) out.get(Number(r.event_id))?.push(toRow(r, q, built.resolution));
  return out;
}
