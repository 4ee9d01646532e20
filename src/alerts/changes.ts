import type pg from 'pg';
import type { Db } from '../db/pool';

/** A stored scrape as the change and rule steps need it (scrapes row). */
export interface ScrapeRow {
  id: number;
  scrapeKey: string;
  eventId: number;
  marketplace: string;
  capturedAt: Date;
  kind: 'listings' | 'summary';
  /** The scrape's health mark (domain/scrape-health): anything but 'ok' is not to be believed. */
  health: 'ok' | 'format-drift' | 'empty';
  /** Why it is marked; null when ok. */
  healthReason: string | null;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** The scrapes row of `scrapeKey`, or null when no scrape was stored under it. */
export async function loadScrape(q: Queryable, scrapeKey: string): Promise<ScrapeRow | null> {
  const r = await q.query<{
    id: string;
    event_id: string;
    marketplace: string;
    captured_at: Date;
    kind: 'listings' | 'summary';
    health: ScrapeRow['health'];
    health_reason: string | null;
  }>(`SELECT id, event_id, marketplace, captured_at, kind, health, health_reason FROM scrapes WHERE scrape_key = $1`, [scrapeKey]);
  const row = r.rows[0];
  return row
    ? {
        id: Number(row.id),
        scrapeKey,
        eventId: Number(row.event_id),
        marketplace: row.marketplace,
        capturedAt: row.captured_at,
        kind: row.kind,
        health: row.health,
        healthReason: row.health_reason,
      }
    : null;
}

/**
 * The believable scrape of the same event and marketplace just before `scrape`, or null for the
 * first one. Scrapes marked suspect (health other than 'ok') are passed over: a change is measured
 * against the last scrape that can be believed, never against an empty or drifted one.
 */
export async function previousScrape(q: Queryable, scrape: ScrapeRow): Promise<ScrapeRow | null> {
  const r = await q.query<{ id: string; scrape_key: string; captured_at: Date; kind: 'listings' | 'summary' }>(
    `SELECT id, scrape_key, captured_at, kind FROM scrapes
      WHERE event_id = $1 AND marketplace = $2 AND captured_at < $3 AND health = 'ok'
      ORDER BY captured_at DESC LIMIT 1`,
    [scrape.eventId, scrape.marketplace, scrape.capturedAt],
  );
  const row = r.rows[0];
  return row
    ? {
        id: Number(row.id),
        scrapeKey: row.scrape_key,
        eventId: scrape.eventId,
        marketplace: scrape.marketplace,
        capturedAt: row.captured_at,
        kind: row.kind,
        health: 'ok',
        healthReason: null,
      }
    : null;
}

/** Zone-level figures of one scrape (ticket_snapshots rows with section ''). */
export interface ZoneFigures {
  zone: string;
  /** Lowest price per ticket for 1, 2 and 4 tickets together. */
  lowest: Record<1 | 2 | 4, number | null>;
  tickets: number | null;
  listings: number | null;
  currency: string;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

/** The zone rows (and ALL) of a scrape, by zone. */
export async function zoneFigures(
  q: Queryable,
  scrape: Pick<ScrapeRow, 'id' | 'capturedAt' | 'eventId'>,
): Promise<Map<string, ZoneFigures>> {
  const r = await q.query<{
    zone: string;
    p1: string | null;
    p2: string | null;
    p4: string | null;
    tickets: number | null;
    listings: number | null;
    currency: string;
  }>(
    `SELECT zone, lowest_price AS p1, lowest_price_2 AS p2, lowest_price_4 AS p4, total_tickets AS tickets,
            total_listings AS listings, currency
       FROM ticket_snapshots
      WHERE event_id = $1 AND captured_at = $2 AND scrape_ref = $3 AND section = ''`,
    [scrape.eventId, scrape.capturedAt, scrape.id],
  );
  return new Map(
    r.rows.map((row) => [
      row.zone,
      {
        zone: row.zone,
        lowest: { 1: num(row.p1), 2: num(row.p2), 4: num(row.p4) },
        tickets: row.tickets,
        listings: row.listings,
        currency: row.currency,
      },
    ]),
  );
}

export const GROUP_SIZES = [1, 2, 4] as const;

/** Signed percent from `from` to `to`, 2 decimals; null when either is missing or `from` is 0. */
export function percentChange(from: number | null, to: number | null): number | null {
  if (from === null || to === null || from <= 0) return null;
  return Math.round(((to - from) / from) * 10_000) / 100;
}

/**
 * Records the price changes of `scrape` against `previous` (price_changes): one row per zone of
 * either scrape (and ALL) and group size 1, 2, 4, with the lowest price and the availability
 * before and after. A zone missing from one side has null figures there (it appeared or sold out).
 * Written once per scrape (ON CONFLICT DO NOTHING). Returns how many rows were written.
 */
export async function recordPriceChanges(
  q: Queryable,
  scrape: ScrapeRow,
  previous: ScrapeRow,
  now: Map<string, ZoneFigures>,
  before: Map<string, ZoneFigures>,
): Promise<number> {
  const rows: unknown[] = [];
  for (const zone of new Set([...now.keys(), ...before.keys()])) {
    const a = before.get(zone);
    const b = now.get(zone);
    for (const n of GROUP_SIZES) {
      // Summary marketplaces have no group prices: nothing to compare for 2 and 4.
      if (n > 1 && (a?.lowest[n] ?? null) === null && (b?.lowest[n] ?? null) === null) continue;
      const from = a?.lowest[n] ?? null;
      const to = b?.lowest[n] ?? null;
      rows.push({
        zone,
        quantity: n,
        from_price: from,
        to_price: to,
        percent: percentChange(from, to),
        from_tickets: a ? a.tickets : 0,
        to_tickets: b ? b.tickets : 0,
        from_listings: a ? a.listings : 0,
        to_listings: b ? b.listings : 0,
        currency: b?.currency ?? a?.currency ?? null,
      });
    }
  }
  if (rows.length === 0) return 0;
  const r = await q.query(
    `INSERT INTO price_changes (scrape_key, previous_scrape_key, event_id, marketplace, captured_at, zone, quantity,
                                from_price, to_price, percent, from_tickets, to_tickets, from_listings, to_listings, currency)
     SELECT $1, $2, $3, $4, $5, u.zone, u.quantity, u.from_price, u.to_price, u.percent, u.from_tickets, u.to_tickets,
            u.from_listings, u.to_listings, u.currency
       FROM json_to_recordset($6::json) AS u(zone text, quantity smallint, from_price numeric, to_price numeric, percent numeric,
                                             from_tickets integer, to_tickets integer, from_listings integer, to_listings integer,
                                             currency text)
     ON CONFLICT DO NOTHING`,
    [scrape.scrapeKey, previous.scrapeKey, scrape.eventId, scrape.marketplace, scrape.capturedAt, JSON.stringify(rows)],
  );
  return r.rowCount ?? 0;
}

export interface PriceChangeRow {
  capturedAt: string;
  marketplace: string;
  zone: string;
  quantity: number;
  fromPrice: number | null;
  toPrice: number | null;
  percent: number | null;
  fromTickets: number | null;
  toTickets: number | null;
  fromListings: number | null;
  toListings: number | null;
  currency: string | null;
  scrapeKey: string;
}

/**
 * The changes of an event over the last `days` days, newest first: rows where the lowest price
 * or the availability moved, or (with `minPercent`) where the price moved by at least that many
 * percent either way.
 */
export async function listPriceChanges(
  db: Db,
  opts: { eventId: number; days: number; minPercent?: number | undefined; now?: Date },
): Promise<PriceChangeRow[]> {
  const since = new Date((opts.now ?? new Date()).getTime() - opts.days * 86_400_000);
  const r = await db.query<{
    captured_at: Date;
    marketplace: string;
    zone: string;
    quantity: number;
    from_price: string | null;
    to_price: string | null;
    percent: string | null;
    from_tickets: number | null;
    to_tickets: number | null;
    from_listings: number | null;
    to_listings: number | null;
    currency: string | null;
    scrape_key: string;
  }>(
    `SELECT captured_at, marketplace, zone, quantity, from_price, to_price, percent, from_tickets, to_tickets,
            from_listings, to_listings, currency, scrape_key
       FROM price_changes
      WHERE event_id = $1 AND captured_at >= $2
        AND CASE WHEN $3::numeric IS NULL
                 THEN from_price IS DISTINCT FROM to_price OR from_tickets IS DISTINCT FROM to_tickets
                      OR from_listings IS DISTINCT FROM to_listings
                 ELSE abs(percent) >= $3::numeric END
      ORDER BY captured_at DESC, marketplace, zone = 'ALL' DESC, zone, quantity`,
    [opts.eventId, since, opts.minPercent ?? null],
  );
  return r.rows.map((row) => ({
    capturedAt: row.captured_at.toISOString(),
    marketplace: row.marketplace,
    zone: row.zone,
    quantity: row.quantity,
    fromPrice: num(row.from_price),
    toPrice: num(row.to_price),
    percent: num(row.percent),
    fromTickets: row.from_tickets,
    toTickets: row.to_tickets,
    fromListings: row.from_listings,
    toListings: row.to_listings,
    currency: row.currency ? row.currency.trim() : null,
    scrapeKey: row.scrape_key,
  }));
}
