import type pg from 'pg';
import type { PriceBasis } from '../../domain/price-basis';

/**
 * The SQL of the evaluate step (../evaluate.ts, ../price-changes.ts): the stored scrapes it
 * compares, their zone figures, the scrape_evaluations guard, price_changes and the firings.
 */

export type Queryable = Pick<pg.PoolClient, 'query'>;

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
  /** Lowest price for 1 ticket and lowest totals for 2 and 4 together, before fees (base; the unprefixed columns). */
  lowest: Record<1 | 2 | 4, number | null>;
  /** The same figures all-in (the all_in_ columns); null where the marketplace gives no all-in price. */
  allInLowest: Record<1 | 2 | 4, number | null>;
  tickets: number | null;
  listings: number | null;
  currency: string;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

/** A zone's lowest figures on a basis. */
export function lowestOn(figures: ZoneFigures, basis: PriceBasis): Record<1 | 2 | 4, number | null> {
  return basis === 'all-in' ? figures.allInLowest : figures.lowest;
}

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
    a1: string | null;
    a2: string | null;
    a4: string | null;
    tickets: number | null;
    listings: number | null;
    currency: string;
  }>(
    `SELECT zone, lowest_price AS p1, lowest_price_2 AS p2, lowest_price_4 AS p4,
            all_in_lowest_price AS a1, all_in_lowest_price_2 AS a2, all_in_lowest_price_4 AS a4, total_tickets AS tickets,
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
        allInLowest: { 1: num(row.a1), 2: num(row.a2), 4: num(row.a4) },
        tickets: row.tickets,
        listings: row.listings,
        currency: row.currency,
      },
    ]),
  );
}

/** The zone figures of the last scrape at or before `hours` before this one (drop/rise over N h). */
export async function figuresHoursAgo(q: Queryable, scrape: ScrapeRow, hours: number): Promise<Map<string, ZoneFigures>> {
  const r = await q.query<{ id: string; captured_at: Date }>(
    `SELECT id, captured_at FROM scrapes
      WHERE event_id = $1 AND marketplace = $2 AND captured_at <= $3::timestamptz - make_interval(secs => $4) AND health = 'ok'
      ORDER BY captured_at DESC LIMIT 1`,
    [scrape.eventId, scrape.marketplace, scrape.capturedAt, hours * 3600],
  );
  const row = r.rows[0];
  return row ? zoneFigures(q, { id: Number(row.id), capturedAt: row.captured_at, eventId: scrape.eventId }) : new Map();
}

/** The guard of scrape_evaluations: true for the first caller for a scrape (who writes), false for a later one (retry, replay). */
export async function claimEvaluation(q: Queryable, scrapeKey: string): Promise<boolean> {
  const first = await q.query(
    `INSERT INTO scrape_evaluations (scrape_key, rules_evaluated, firings) VALUES ($1, 0, 0) ON CONFLICT DO NOTHING RETURNING scrape_key`,
    [scrapeKey],
  );
  return first.rowCount !== 0;
}

/** What the first evaluation of a scrape recorded: its rule count, skip reason and price changes written. */
export async function evaluationDone(
  q: Queryable,
  scrapeKey: string,
): Promise<{ rules_evaluated: number; price_changes: string; skipped: string | null } | undefined> {
  const done = await q.query<{ rules_evaluated: number; price_changes: string; skipped: string | null }>(
    `SELECT rules_evaluated, skipped, (SELECT count(*) FROM price_changes WHERE scrape_key = $1) AS price_changes
       FROM scrape_evaluations WHERE scrape_key = $1`,
    [scrapeKey],
  );
  return done.rows[0];
}

/** Records why the scrape was not evaluated. */
export async function markEvaluationSkipped(q: Queryable, scrapeKey: string, skipped: string): Promise<void> {
  await q.query(`UPDATE scrape_evaluations SET skipped = $2 WHERE scrape_key = $1`, [scrapeKey, skipped]);
}

/** Records how many rules were evaluated and how many fired. */
export async function markEvaluated(q: Queryable, scrapeKey: string, rulesEvaluated: number, firings: number): Promise<void> {
  await q.query(`UPDATE scrape_evaluations SET rules_evaluated = $2, firings = $3 WHERE scrape_key = $1`, [
    scrapeKey,
    rulesEvaluated,
    firings,
  ]);
}

/** One rule that fired for a scrape: the alert's id and the channels to deliver it to. */
export interface Firing {
  alertId: number;
  ruleName: string;
  dedupeKey: string;
  channels: string[];
}

/** The rule alerts a scrape fired, by alert id. */
export async function firingsOf(q: Queryable, scrapeKey: string): Promise<Firing[]> {
  const r = await q.query<{ id: string; name: string | null; dedupe_key: string; channels: string[] }>(
    `SELECT a.id, r.name, a.dedupe_key, a.channels FROM alerts a LEFT JOIN alert_rules r ON r.id = a.rule_id
      WHERE a.scrape_key = $1 AND a.rule_id IS NOT NULL ORDER BY a.id`,
    [scrapeKey],
  );
  return r.rows.map((row) => ({ alertId: Number(row.id), ruleName: row.name ?? '', dedupeKey: row.dedupe_key, channels: row.channels }));
}

/** One price_changes row of a scrape, without the scrape's own columns. */
export interface PriceChangeFigures {
  basis: PriceBasis;
  zone: string;
  quantity: number;
  from_price: number | null;
  to_price: number | null;
  percent: number | null;
  from_tickets: number | null;
  to_tickets: number | null;
  from_listings: number | null;
  to_listings: number | null;
  currency: string | null;
}

/** Writes the price changes of `scrape` against `previous` once (ON CONFLICT DO NOTHING); rows written. */
export async function insertPriceChanges(
  q: Queryable,
  scrape: ScrapeRow,
  previous: ScrapeRow,
  rows: PriceChangeFigures[],
): Promise<number> {
  const r = await q.query(
    `INSERT INTO price_changes (scrape_key, previous_scrape_key, event_id, marketplace, captured_at, basis, zone, quantity,
                                from_price, to_price, percent, from_tickets, to_tickets, from_listings, to_listings, currency)
     SELECT $1, $2, $3, $4, $5, u.basis, u.zone, u.quantity, u.from_price, u.to_price, u.percent, u.from_tickets, u.to_tickets,
            u.from_listings, u.to_listings, u.currency
       FROM json_to_recordset($6::json) AS u(basis text, zone text, quantity smallint, from_price numeric, to_price numeric, percent numeric,
                                             from_tickets integer, to_tickets integer, from_listings integer, to_listings integer,
                                             currency text)
     ON CONFLICT DO NOTHING`,
    [scrape.scrapeKey, previous.scrapeKey, scrape.eventId, scrape.marketplace, scrape.capturedAt, JSON.stringify(rows)],
  );
  return r.rowCount ?? 0;
}
