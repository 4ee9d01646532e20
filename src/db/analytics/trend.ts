import { basisColumnPrefix, DEFAULT_PRICE_BASIS, type PriceBasis } from '../../domain/price-basis';
import { parseBucket } from '../../domain/buckets';
import { summarizeTrend, type TrendDirection } from '../../domain/trend';
import { SUMMARY_ZONE, type MarketplaceName } from '../../domain/listing';
import { history, type HistoryRow, type Quantity } from './history';
import type { Queryable } from './query';

export interface TrendQuery {
  eventId: number;
  from: Date;
  to: Date;
  granularity: 'hourly' | 'daily';
  zone?: string;
  source?: MarketplaceName;
  quantity?: Quantity;
  /** The price basis (price-basis.ts); all-in when absent. */
  basis?: PriceBasis;
}

export interface TrendLine {
  source: string;
  firstAt: Date;
  first: number;
  lastAt: Date;
  last: number;
  change: number;
  percentChange: number | null;
  direction: TrendDirection;
  points: number;
  /** The price basis of first and last. */
  basis: PriceBasis;
  /**
   * What first and last are: 'observations' — the lowest price of the first and the last scrape in
   * the period; 'bucket lowest' — the lowest price of the first and last bucket, when the period's
   * snapshots were archived by retention and only rollups are left.
   */
  measuredOn: 'observations' | 'bucket lowest';
}

export interface TrendResult {
  zone: string;
  granularity: 'hourly' | 'daily';
  /** One line per marketplace that has prices in the period. */
  lines: TrendLine[];
  series: HistoryRow[];
}

interface Observed {
  marketplace: string;
  first_at: Date;
  first: string;
  last_at: Date;
  last: string;
}

/**
 * The first and the last scrape's lowest price in [from, to) per marketplace, from the zone-level
 * snapshots (section ''), for one zone and group size. Marketplaces without snapshots in the period
 * (archived, or no prices) are absent.
 */
async function observedEnds(
  db: Queryable,
  q: TrendQuery,
): Promise<Map<string, { firstAt: Date; first: number; lastAt: Date; last: number }>> {
  const column =
    basisColumnPrefix(q.basis ?? DEFAULT_PRICE_BASIS) +
    (q.quantity === 2 ? 'lowest_price_2' : q.quantity === 4 ? 'lowest_price_4' : 'lowest_price');
  const res = await db.query<Observed>(
    `WITH s AS (
       SELECT marketplace, captured_at, ${column} AS price FROM ticket_snapshots
        WHERE event_id = $1 AND zone = $2 AND section = '' AND captured_at >= $3 AND captured_at < $4
          AND ${column} IS NOT NULL AND ($5::text IS NULL OR marketplace = $5)
     ), f AS (SELECT DISTINCT ON (marketplace) marketplace, captured_at, price FROM s ORDER BY marketplace, captured_at ASC),
        l AS (SELECT DISTINCT ON (marketplace) marketplace, captured_at, price FROM s ORDER BY marketplace, captured_at DESC)
     SELECT f.marketplace, f.captured_at AS first_at, f.price AS first, l.captured_at AS last_at, l.price AS last
       FROM f JOIN l USING (marketplace)`,
    [q.eventId, q.zone ?? SUMMARY_ZONE, q.from, q.to, q.source ?? null],
  );
  return new Map(
    res.rows.map((r) => [r.marketplace, { firstAt: r.first_at, first: Number(r.first), lastAt: r.last_at, last: Number(r.last) }]),
  );
}

/**
 * Per marketplace: the lowest price of the first and the last scrape in the period (basis
 * 'observations'), with change, percent change and direction; where the snapshots were archived, the
 * lowest price of the first and last bucket (basis 'bucket lowest'). `series` holds the bucketed
 * history (lowest per bucket) behind `points`.
 */
export async function trend(db: Queryable, q: TrendQuery): Promise<TrendResult> {
  const series = await history(db, {
    eventId: q.eventId,
    from: q.from,
    to: q.to,
    bucket: parseBucket(q.granularity === 'hourly' ? '1 hour' : '1 day'),
    zone: q.zone,
    source: q.source,
    quantity: q.quantity,
    basis: q.basis ?? DEFAULT_PRICE_BASIS,
  });
  const basis = q.basis ?? DEFAULT_PRICE_BASIS;
  const observed = await observedEnds(db, q);
  const bySource = new Map<string, HistoryRow[]>();
  for (const row of series) if (row.lowest !== null) bySource.set(row.source, [...(bySource.get(row.source) ?? []), row]);
  const lines: TrendLine[] = [];
  for (const [source, rows] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
    const seen = observed.get(source);
    const s = summarizeTrend(seen ? [seen.first, seen.last] : rows.map((r) => r.lowest));
    if (!s) continue;
    lines.push(
      seen
        ? { source, firstAt: seen.firstAt, lastAt: seen.lastAt, points: rows.length, basis, measuredOn: 'observations', ...s }
        : {
            source,
            firstAt: rows[0]!.bucket,
            lastAt: rows[rows.length - 1]!.bucket,
            points: rows.length,
            basis,
            measuredOn: 'bucket lowest',
            ...s,
          },
    );
  }
  return { zone: series[0]?.zone ?? q.zone ?? 'ALL', granularity: q.granularity, lines, series };
}
