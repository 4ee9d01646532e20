import { basisColumnPrefix, DEFAULT_PRICE_BASIS, type PriceBasis } from '../../domain/price-basis';
import { cents, num, type BuiltQuery, type Queryable } from './query';

export interface SectionsQuery {
  eventId: number;
  from: Date;
  to: Date;
  /** The price basis (price-basis.ts); all-in when absent. */
  basis?: PriceBasis;
}

export interface SectionRow {
  source: string;
  basis: PriceBasis;
  zone: string;
  section: string;
  /** Lowest per-ticket price over the period, and in the latest snapshot of the section. */
  lowest: number | null;
  latestLowest: number | null;
  average: number | null;
  highest: number | null;
  lowest2: number | null;
  lowest4: number | null;
  latestTickets: number | null;
  samples: number;
  lastSeen: Date;
}

export function buildSectionsQuery(q: SectionsQuery): BuiltQuery {
  const p = basisColumnPrefix(q.basis ?? DEFAULT_PRICE_BASIS);
  return {
    text: `SELECT marketplace, zone, section,
              min(${p}lowest_price) AS lowest, (array_agg(${p}lowest_price ORDER BY captured_at DESC, scrape_ref DESC))[1] AS latest_lowest,
              sum(${p}average_price) / nullif(count(${p}average_price), 0) AS average, max(${p}highest_price) AS highest,
              min(${p}lowest_price_2) AS lowest2, min(${p}lowest_price_4) AS lowest4,
              (array_agg(total_tickets ORDER BY captured_at DESC, scrape_ref DESC))[1] AS latest_tickets,
              count(*) AS samples, max(captured_at) AS last_seen
             FROM ticket_snapshots
            WHERE event_id = $1 AND captured_at >= $2 AND captured_at < $3 AND section <> ''
            GROUP BY marketplace, zone, section
            ORDER BY zone, section, marketplace`,
    values: [q.eventId, q.from, q.to],
  };
}

/** Per section and marketplace over the period: lowest, latest, average and highest prices. */
export async function sections(db: Queryable, q: SectionsQuery): Promise<SectionRow[]> {
  const b = buildSectionsQuery(q);
  const res = await db.query<{
    marketplace: string;
    zone: string;
    section: string;
    lowest: string | null;
    latest_lowest: string | null;
    average: string | null;
    highest: string | null;
    lowest2: string | null;
    lowest4: string | null;
    latest_tickets: number | null;
    samples: string;
    last_seen: Date;
  }>(b.text, b.values);
  return res.rows.map((r) => ({
    source: r.marketplace,
    basis: q.basis ?? DEFAULT_PRICE_BASIS,
    zone: r.zone,
    section: r.section,
    lowest: num(r.lowest),
    latestLowest: num(r.latest_lowest),
    average: cents(r.average),
    highest: num(r.highest),
    lowest2: num(r.lowest2),
    lowest4: num(r.lowest4),
    latestTickets: r.latest_tickets,
    samples: Number(r.samples),
    lastSeen: r.last_seen,
  }));
}
