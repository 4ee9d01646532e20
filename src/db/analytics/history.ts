import { BUCKET_ORIGIN, resolutionFor, type Bucket, type Resolution } from '../../domain/buckets';
import { SUMMARY_ZONE, type MarketplaceName } from '../../domain/listing';
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
}

export interface HistoryRow {
  bucket: Date;
  source: string;
  zone: string;
  quantity: Quantity;
  /** Where the figures came from: daily or hourly rollups when the bucket allows, raw snapshots otherwise. */
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

/**
 * The SQL of `history`: the same text in both storage modes. The first bucket starts at the
 * bucket boundary at or before `from`, so it is never a partial rollup period.
 */
export function buildHistoryQuery(q: HistoryQuery): BuiltQuery & { resolution: Resolution } {
  const resolution = resolutionFor(q.bucket.seconds);
  const values: unknown[] = [q.bucket.interval, q.eventId, q.zone ?? SUMMARY_ZONE, q.from, q.to];
  const sourceFilter = q.source ? (values.push(q.source), ` AND x.marketplace = $${values.length}`) : '';
  const text =
    resolution === 'raw'
      ? `SELECT date_bin($1::interval, x.captured_at, ${ORIGIN}) AS t, x.marketplace,
            min(x.lowest_price) AS lowest1, min(x.lowest_price_2) AS lowest2, min(x.lowest_price_4) AS lowest4,
            sum(x.average_price) / nullif(count(x.average_price), 0) AS average, max(x.highest_price) AS highest,
            max(x.total_tickets) AS tickets_peak, avg(x.total_tickets) AS tickets_avg,
            max(x.total_listings) AS listings_peak, avg(x.total_listings) AS listings_avg, count(*) AS samples
           FROM ticket_snapshots x
          WHERE x.event_id = $2 AND x.zone = $3 AND x.section = ''
            AND x.captured_at >= date_bin($1::interval, $4::timestamptz, ${ORIGIN}) AND x.captured_at < $5${sourceFilter}
          GROUP BY 1, 2 ORDER BY 1, 2`
      : `SELECT date_bin($1::interval, x.bucket, ${ORIGIN}) AS t, x.marketplace,
            min(x.min_price) AS lowest1, min(x.min_price_2) AS lowest2, min(x.min_price_4) AS lowest4,
            sum(x.avg_price_sum) / nullif(sum(x.avg_price_count), 0) AS average, max(x.max_price) AS highest,
            max(x.tickets_max) AS tickets_peak, sum(x.tickets_sum)::numeric / nullif(sum(x.tickets_count), 0) AS tickets_avg,
            max(x.listings_max) AS listings_peak, sum(x.listings_sum)::numeric / nullif(sum(x.listings_count), 0) AS listings_avg,
            sum(x.samples) AS samples
           FROM ${resolution === 'daily' ? 'rollup_daily' : 'rollup_hourly'} x
          WHERE x.event_id = $2 AND x.zone = $3
            AND x.bucket >= date_bin($1::interval, $4::timestamptz, ${ORIGIN}) AND x.bucket < $5${sourceFilter}
          GROUP BY 1, 2 ORDER BY 1, 2`;
  return { text, values, resolution };
}

interface Raw {
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

/** Prices over time for one event, per bucket and marketplace, for one zone and group size. */
export async function history(db: Queryable, q: HistoryQuery): Promise<HistoryRow[]> {
  const built = buildHistoryQuery(q);
  const quantity = q.quantity ?? 1;
  const res = await db.query<Raw>(built.text, built.values);
  return res.rows.map((r) => ({
    bucket: r.t,
    source: r.marketplace,
    zone: q.zone ?? SUMMARY_ZONE,
    quantity,
    resolution: built.resolution,
    lowest: num(quantity === 1 ? r.lowest1 : quantity === 2 ? r.lowest2 : r.lowest4),
    average: quantity === 1 ? cents(r.average) : null,
    highest: quantity === 1 ? num(r.highest) : null,
    ticketsPeak: r.tickets_peak,
    ticketsAverage: cents(r.tickets_avg),
    listingsPeak: r.listings_peak,
    listingsAverage: cents(r.listings_avg),
    samples: Number(r.samples),
  }));
}
