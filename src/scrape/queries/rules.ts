import type { AlertMessage } from '../../alerts/message';
import type { RuleState } from '../../alerts/rules/evaluate';
import { basisColumnPrefix, type PriceBasis } from '../../domain/price-basis';
import type { OfferedListing } from '../../domain/together';
import { offeredListingOf, type OfferedListingRow } from '../../db/analytics/together';
import type { Queryable, ScrapeRow } from './evaluate';

/**
 * The SQL of the alert rules' part of the evaluate step (../rules.ts): what the rules compare a
 * scrape with, their state per event and marketplace, and the alerts they fire.
 */

/** How far back another marketplace's latest scrape may be for cheaper-elsewhere and together (hours). */
export const CHEAPER_ELSEWHERE_MAX_AGE_HOURS = 48;

/** Lowest price on `basis` of every earlier scrape of the event on the marketplace, per "zone/quantity". */
export async function lowestBeforeByZone(
  q: Queryable,
  scrape: ScrapeRow,
  zones: string[],
  basis: PriceBasis,
): Promise<Map<string, number>> {
  const p = basisColumnPrefix(basis);
  const r = await q.query<{ zone: string; p1: string | null; p2: string | null; p4: string | null }>(
    `SELECT zone, min(${p}lowest_price) AS p1, min(${p}lowest_price_2) AS p2, min(${p}lowest_price_4) AS p4
       FROM ticket_snapshots
      WHERE event_id = $1 AND marketplace = $2 AND section = '' AND zone = ANY($3::text[]) AND captured_at < $4
        AND NOT EXISTS (SELECT 1 FROM scrapes s WHERE s.id = ticket_snapshots.scrape_ref AND s.health <> 'ok')
      GROUP BY zone`,
    [scrape.eventId, scrape.marketplace, zones, scrape.capturedAt],
  );
  const out = new Map<string, number>();
  for (const row of r.rows) {
    for (const [n, v] of [
      [1, row.p1],
      [2, row.p2],
      [4, row.p4],
    ] as const)
      if (v !== null) out.set(`${row.zone}/${n}`, Number(v));
  }
  return out;
}

/**
 * The figures on `basis` of the latest believable scrape (health 'ok', within 48 h) of each other
 * marketplace for the event, per "zone/quantity". A marketplace without a figure on the basis
 * (StubHub on base) is absent: never replaced by its other basis.
 */
export async function othersByZone(
  q: Queryable,
  scrape: ScrapeRow,
  zones: string[],
  basis: PriceBasis,
): Promise<Map<string, { marketplace: string; price: number; currency: string }[]>> {
  const p = basisColumnPrefix(basis);
  const r = await q.query<{ marketplace: string; zone: string; p1: string | null; p2: string | null; p4: string | null; currency: string }>(
    `WITH latest AS (
       SELECT DISTINCT ON (marketplace) id, marketplace, captured_at FROM scrapes
        WHERE event_id = $1 AND marketplace <> $2 AND captured_at <= $3 AND captured_at > $3 - make_interval(hours => $5)
          AND health = 'ok'
        ORDER BY marketplace, captured_at DESC)
     SELECT l.marketplace, t.zone, t.${p}lowest_price AS p1, t.${p}lowest_price_2 AS p2, t.${p}lowest_price_4 AS p4, t.currency
       FROM latest l JOIN ticket_snapshots t
         ON t.event_id = $1 AND t.captured_at = l.captured_at AND t.scrape_ref = l.id AND t.section = '' AND t.zone = ANY($4::text[])`,
    [scrape.eventId, scrape.marketplace, scrape.capturedAt, zones, CHEAPER_ELSEWHERE_MAX_AGE_HOURS],
  );
  const out = new Map<string, { marketplace: string; price: number; currency: string }[]>();
  for (const row of r.rows) {
    for (const [n, v] of [
      [1, row.p1],
      [2, row.p2],
      [4, row.p4],
    ] as const) {
      if (v === null) continue;
      const key = `${row.zone}/${n}`;
      out.set(key, [...(out.get(key) ?? []), { marketplace: row.marketplace, price: Number(v), currency: row.currency }]);
    }
  }
  return out;
}

/**
 * The listings of the latest believable listings scrape (health 'ok', within 48 h, at or before
 * this one) of every marketplace for the event, this scrape's included, in `zone` (or every zone
 * for 'ALL'), and of `marketplace` only when it is given: what a `together` rule compares. The
 * pattern of buildLatestListingsQuery (src/db/analytics/latest.ts), with the evaluate step's
 * believability rules.
 */
export async function latestListingsOfEvent(
  q: Queryable,
  scrape: ScrapeRow,
  zone: string,
  marketplace: string | null,
): Promise<OfferedListing[]> {
  const r = await q.query<OfferedListingRow>(
    `WITH latest AS (
       SELECT DISTINCT ON (marketplace) id, marketplace, captured_at FROM scrapes
        WHERE event_id = $1 AND kind = 'listings' AND health = 'ok' AND ($5::text IS NULL OR marketplace = $5)
          AND captured_at <= $2 AND captured_at > $2 - make_interval(hours => $4)
        ORDER BY marketplace, captured_at DESC, id DESC)
     SELECT x.marketplace, x.listing_id, x.zone, x.section, x.seat_row, x.quantity, x.splits, x.base_price, x.all_in_price, x.currency
       FROM latest l
       CROSS JOIN LATERAL (SELECT * FROM listings y WHERE y.captured_at = l.captured_at AND y.scrape_ref = l.id OFFSET 0) x
      WHERE $3::text = 'ALL' OR x.zone = $3`,
    [scrape.eventId, scrape.capturedAt, zone, CHEAPER_ELSEWHERE_MAX_AGE_HOURS, marketplace],
  );
  return r.rows.map(offeredListingOf);
}

/**
 * The marketplace under which a rule's fire-once state is kept: the scrape's, except for
 * `together`, whose figure spans every marketplace, so one state per event ('any') keeps it from
 * firing once per marketplace scraped.
 */
export function stateMarketplace(condition: string, scrape: Pick<ScrapeRow, 'marketplace'>): string {
  return condition === 'together' ? 'any' : scrape.marketplace;
}

/** The state of each rule (by rule id) for the scrape's event and marketplace (see stateMarketplace); a rule without a row is in its initial state. */
export async function ruleStates(
  q: Queryable,
  rules: { id: number; condition: string }[],
  scrape: ScrapeRow,
): Promise<Map<number, RuleState>> {
  const states = await q.query<{ rule_id: string; armed: boolean; last_fired_at: Date | null }>(
    `SELECT s.rule_id, s.armed, s.last_fired_at
       FROM json_to_recordset($1::json) AS u(rule_id bigint, marketplace text)
       JOIN alert_rule_state s ON s.rule_id = u.rule_id AND s.marketplace = u.marketplace
      WHERE s.event_id = $2`,
    [JSON.stringify(rules.map((r) => ({ rule_id: r.id, marketplace: stateMarketplace(r.condition, scrape) }))), scrape.eventId],
  );
  // One row per (rule, event, marketplace, zone), and a rule has one zone: the rule id is the key here.
  return new Map<number, RuleState>(
    states.rows.map((s) => [Number(s.rule_id), { armed: s.armed, lastFiredAt: s.last_fired_at?.toISOString() ?? null }]),
  );
}

/** A rule's new state for the scrape's event and marketplace (see stateMarketplace). */
export interface RuleStateRow {
  rule_id: number;
  marketplace: string;
  armed: boolean;
  last_fired_at: string | null;
}

/** Writes the rules' new states (one row per rule, event, marketplace and the rule's zone). */
export async function saveRuleStates(q: Queryable, scrape: ScrapeRow, newStates: RuleStateRow[]): Promise<void> {
  await q.query(
    `INSERT INTO alert_rule_state (rule_id, event_id, marketplace, zone, armed, last_fired_at)
     SELECT u.rule_id, $2, u.marketplace, r.zone, u.armed, u.last_fired_at
       FROM json_to_recordset($1::json) AS u(rule_id bigint, marketplace text, armed boolean, last_fired_at timestamptz)
       JOIN alert_rules r ON r.id = u.rule_id
     ON CONFLICT (rule_id, event_id, marketplace, zone) DO UPDATE
       SET armed = EXCLUDED.armed, last_fired_at = EXCLUDED.last_fired_at, updated_at = now()`,
    [JSON.stringify(newStates), scrape.eventId],
  );
}

/** One price alert to record: its rule, zone, key, message (title and text, and the whole message as details) and channels. */
export interface AlertRow {
  rule_id: number;
  zone: string;
  dedupe_key: string;
  message: string;
  details: AlertMessage;
  /** A PostgreSQL text[] literal. */
  channels: string;
}

/** Records the alerts a scrape fired, once each (ON CONFLICT DO NOTHING); the rows actually written. */
export async function insertPriceAlerts(
  q: Queryable,
  scrape: ScrapeRow,
  alerts: AlertRow[],
): Promise<{ id: string; rule_id: string; dedupe_key: string; channels: string[] }[]> {
  const inserted = await q.query<{ id: string; rule_id: string; dedupe_key: string; channels: string[] }>(
    `INSERT INTO alerts (rule_id, event_id, marketplace, zone, kind, dedupe_key, message, details, triggered_at, channels, scrape_key)
     SELECT u.rule_id, $1, $2, u.zone, 'price', u.dedupe_key, u.message, u.details, $3, u.channels, $4
       FROM json_to_recordset($5::json) AS u(rule_id bigint, zone text, dedupe_key text, message text, details jsonb, channels text[])
     ON CONFLICT DO NOTHING
     RETURNING id, rule_id, dedupe_key, channels`,
    [scrape.eventId, scrape.marketplace, scrape.capturedAt, scrape.scrapeKey, JSON.stringify(alerts)],
  );
  return inserted.rows;
}

/** What a price alert says of its event. */
export interface EventInfo {
  name: string;
  venue: string | null;
  startsAt: Date | null;
  timezone: string | null;
  marketplaceEventId: string | null;
}

export async function eventInfo(q: Queryable, scrape: ScrapeRow): Promise<EventInfo> {
  const r = await q.query<{
    name: string;
    venue: string | null;
    starts_at: Date | null;
    timezone: string | null;
    marketplace_event_id: string | null;
  }>(
    `SELECT e.name, e.venue, e.starts_at, e.timezone, s.marketplace_event_id
       FROM events e LEFT JOIN event_sources s ON s.event_id = e.id AND s.marketplace = $2
      WHERE e.id = $1`,
    [scrape.eventId, scrape.marketplace],
  );
  const row = r.rows[0];
  return {
    name: row?.name ?? `event ${scrape.eventId}`,
    venue: row?.venue ?? null,
    startsAt: row?.starts_at ?? null,
    timezone: row?.timezone ?? null,
    marketplaceEventId: row?.marketplace_event_id ?? null,
  };
}
