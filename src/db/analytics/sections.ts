import { cents, num, type BuiltQuery, type Queryable } from './query';

export interface SectionsQuery {
  eventId: number;
  from: Date;
  to: Date;
}

export interface SectionRow {
  source: string;
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
  return {
    text: `SELECT marketplace, zone, section,
              min(lowest_price) AS lowest, (array_agg(lowest_price ORDER BY captured_at DESC, scrape_ref DESC))[1] AS latest_lowest,
              sum(average_price) / nullif(count(average_price), 0) AS average, max(highest_price) AS highest,
              min(lowest_price_2) AS lowest2, min(lowest_price_4) AS lowest4,
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
