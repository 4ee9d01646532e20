import { parseBucket } from '../../domain/buckets';
import { summarizeTrend, type TrendDirection } from '../../domain/trend';
import type { MarketplaceName } from '../../domain/listing';
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
}

export interface TrendResult {
  zone: string;
  granularity: 'hourly' | 'daily';
  /** One line per marketplace that has prices in the period. */
  lines: TrendLine[];
  series: HistoryRow[];
}

/** The lowest price's first and last value per marketplace, with direction and percent change. */
export async function trend(db: Queryable, q: TrendQuery): Promise<TrendResult> {
  const series = await history(db, {
    eventId: q.eventId,
    from: q.from,
    to: q.to,
    bucket: parseBucket(q.granularity === 'hourly' ? '1 hour' : '1 day'),
    zone: q.zone,
    source: q.source,
    quantity: q.quantity,
  });
  const bySource = new Map<string, HistoryRow[]>();
  for (const row of series) if (row.lowest !== null) bySource.set(row.source, [...(bySource.get(row.source) ?? []), row]);
  const lines: TrendLine[] = [];
  for (const [source, rows] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
    const s = summarizeTrend(rows.map((r) => r.lowest));
    if (!s) continue;
    lines.push({ source, firstAt: rows[0]!.bucket, lastAt: rows[rows.length - 1]!.bucket, points: rows.length, ...s });
  }
  return { zone: series[0]?.zone ?? q.zone ?? 'ALL', granularity: q.granularity, lines, series };
}
