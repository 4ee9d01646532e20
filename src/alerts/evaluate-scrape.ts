import type pg from 'pg';
import { isLiveStatus, type EventStatus } from '../domain/event-status';
import { eventStatusAt } from '../db/event-status';
import { withTransaction, type Db } from '../db/pool';
import { SUMMARY_ZONE } from '../domain/listing';
import { MARKETPLACES } from '../marketplaces/registry';
import type { AlertMessage } from './message';
import { loadScrape, percentChange, previousScrape, recordPriceChanges, zoneFigures, type ScrapeRow, type ZoneFigures } from './changes';
import { describeCondition, evaluateRule, INITIAL_STATE, type Observation, type RuleState } from './rules/evaluate';
import { rulesFor } from './rules/store';
import type { AlertRule } from './rules/types';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** How far back another marketplace's latest scrape may be for cheaper-elsewhere (hours). */
export const CHEAPER_ELSEWHERE_MAX_AGE_HOURS = 48;

/** One rule that fired for a scrape: the alert's id and the channels to deliver it to. */
export interface Firing {
  alertId: number;
  ruleName: string;
  dedupeKey: string;
  channels: string[];
}

export interface ScrapeEvaluation {
  /** The ALL zone's lowest price (1 ticket) of the previous scrape and its change in percent. */
  previousLowest: number | null;
  changePercent: number | null;
  priceChanges: number;
  rulesEvaluated: number;
  firings: Firing[];
  /** True when this scrape had been evaluated before (a retry or a replay): nothing was written again. */
  alreadyEvaluated: boolean;
  /**
   * Why the scrape was not evaluated (it is marked suspect: scrapes.health 'empty' or
   * 'format-drift'; or its event was stated cancelled or postponed), as recorded in scrape_evaluations.skipped; null when it was evaluated.
   */
  skipped: string | null;
}

/** Why a scrape with this health mark is not evaluated, or null when it is to be believed. */
export function skipReason(scrape: Pick<ScrapeRow, 'health' | 'healthReason'>): string | null {
  if (scrape.health === 'ok') return null;
  return `scrape marked ${scrape.health}${scrape.healthReason ? ` (${scrape.healthReason})` : ''}: not evaluated, no rule changed or fired`;
}

/**
 * Why a scrape of an event a marketplace stated cancelled or postponed is not evaluated (its
 * prices are not live prices: no alert, no price change), or null when the status allows it.
 */
export function notLiveReason(state: { status: EventStatus; marketplace: string } | null): string | null {
  if (state === null || isLiveStatus(state.status)) return null;
  return `event ${state.status} (${state.marketplace}): its prices are not live prices; not evaluated, no rule changed or fired`;
}

/**
 * After a scrape is stored: records its price changes, evaluates every rule watching it and
 * records the firings, in one transaction guarded by scrape_evaluations, so a retried or replayed
 * call writes nothing twice and returns the same firings. A rule fires at most once per scrape
 * (alerts has a unique (rule, scrape key)). Throws when no scrape is stored under `scrapeKey`.
 * A scrape marked suspect (health not 'ok', see domain/scrape-health) is not evaluated: no price
 * changes, no rule state change, no firing; the reason is recorded in scrape_evaluations.skipped.
 * Marked scrapes are also never the "previous" scrape, the "N hours ago" scrape, nor another
 * marketplace's latest for cheaper-elsewhere.
 */
export async function evaluateScrape(db: Db, scrapeKey: string): Promise<ScrapeEvaluation> {
  return withTransaction(db, async (client) => {
    const scrape = await loadScrape(client, scrapeKey);
    if (!scrape) throw new Error(`no scrape stored under "${scrapeKey}"`);
    const previous = await previousScrape(client, scrape);
    const now = await zoneFigures(client, scrape);
    const before = previous ? await zoneFigures(client, previous) : new Map<string, ZoneFigures>();
    const previousLowest = before.get(SUMMARY_ZONE)?.lowest[1] ?? null;
    const skipped = skipReason(scrape) ?? notLiveReason(await eventStatusAt(client, scrape.eventId, scrape.capturedAt));
    const changePercent = skipped ? null : percentChange(previousLowest, now.get(SUMMARY_ZONE)?.lowest[1] ?? null);

    // The guard: the first caller for a scrape writes; a later one (retry, replay) reads back.
    const first = await client.query(
      `INSERT INTO scrape_evaluations (scrape_key, rules_evaluated, firings) VALUES ($1, 0, 0) ON CONFLICT DO NOTHING RETURNING scrape_key`,
      [scrapeKey],
    );
    if (first.rowCount === 0) {
      const done = await client.query<{ rules_evaluated: number; price_changes: string; skipped: string | null }>(
        `SELECT rules_evaluated, skipped, (SELECT count(*) FROM price_changes WHERE scrape_key = $1) AS price_changes
           FROM scrape_evaluations WHERE scrape_key = $1`,
        [scrapeKey],
      );
      return {
        previousLowest,
        changePercent,
        priceChanges: Number(done.rows[0]?.price_changes ?? 0),
        rulesEvaluated: done.rows[0]?.rules_evaluated ?? 0,
        firings: await firingsOf(client, scrapeKey),
        alreadyEvaluated: true,
        skipped: done.rows[0]?.skipped ?? null,
      };
    }
    if (skipped) {
      await client.query(`UPDATE scrape_evaluations SET skipped = $2 WHERE scrape_key = $1`, [scrapeKey, skipped]);
      return { previousLowest, changePercent, priceChanges: 0, rulesEvaluated: 0, firings: [], alreadyEvaluated: false, skipped };
    }

    const priceChanges = previous ? await recordPriceChanges(client, scrape, previous, now, before) : 0;
    const rules = await rulesFor(client, scrape.eventId, scrape.marketplace);
    const firings = rules.length > 0 ? await evaluateRules(client, scrape, previous, now, before, rules) : [];
    await client.query(`UPDATE scrape_evaluations SET rules_evaluated = $2, firings = $3 WHERE scrape_key = $1`, [
      scrapeKey,
      rules.length,
      firings.length,
    ]);
    return { previousLowest, changePercent, priceChanges, rulesEvaluated: rules.length, firings, alreadyEvaluated: false, skipped: null };
  });
}

async function firingsOf(q: Queryable, scrapeKey: string): Promise<Firing[]> {
  const r = await q.query<{ id: string; name: string | null; dedupe_key: string; channels: string[] }>(
    `SELECT a.id, r.name, a.dedupe_key, a.channels FROM alerts a LEFT JOIN alert_rules r ON r.id = a.rule_id
      WHERE a.scrape_key = $1 AND a.rule_id IS NOT NULL ORDER BY a.id`,
    [scrapeKey],
  );
  return r.rows.map((row) => ({ alertId: Number(row.id), ruleName: row.name ?? '', dedupeKey: row.dedupe_key, channels: row.channels }));
}

interface EventInfo {
  name: string;
  venue: string | null;
  startsAt: Date | null;
  timezone: string | null;
  marketplaceEventId: string | null;
}

/** Every rule against the scrape, with the few queries the whole set needs (not one per rule). */
async function evaluateRules(
  client: Queryable,
  scrape: ScrapeRow,
  previous: ScrapeRow | null,
  now: Map<string, ZoneFigures>,
  before: Map<string, ZoneFigures>,
  rules: AlertRule[],
): Promise<Firing[]> {
  const capturedAt = scrape.capturedAt.toISOString();
  // Summary marketplaces give no group prices: rules for 2 or 4 tickets cannot be told there.
  // A price that is not the buyer's before fees (StubHub's) is compared with no other marketplace.
  const applicable = rules.filter(
    (r) =>
      (scrape.kind === 'listings' || r.quantity === 1) && !(r.condition === 'cheaper-elsewhere' && priceNotComparable(scrape.marketplace)),
  );
  if (applicable.length === 0) return [];
  const zones = [...new Set(applicable.map((r) => r.zone))];

  const lowestBefore = applicable.some((r) => r.condition === 'new-low') ? await lowestBeforeByZone(client, scrape, zones) : null;
  const others = applicable.some((r) => r.condition === 'cheaper-elsewhere') ? await othersByZone(client, scrape, zones) : null;
  const hoursAgo = new Map<number, Map<string, ZoneFigures>>();
  for (const h of new Set(applicable.map((r) => r.overHours).filter((h): h is number => h !== null))) {
    hoursAgo.set(h, await figuresHoursAgo(client, scrape, h));
  }

  const states = await client.query<{ rule_id: string; armed: boolean; last_fired_at: Date | null }>(
    `SELECT rule_id, armed, last_fired_at FROM alert_rule_state
      WHERE rule_id = ANY($1::bigint[]) AND event_id = $2 AND marketplace = $3`,
    [applicable.map((r) => r.id), scrape.eventId, scrape.marketplace],
  );
  // One row per (rule, event, marketplace, zone), and a rule has one zone: the rule id is the key here.
  const stateOf = new Map<number, RuleState>(
    states.rows.map((s) => [Number(s.rule_id), { armed: s.armed, lastFiredAt: s.last_fired_at?.toISOString() ?? null }]),
  );

  const newStates: { rule_id: number; armed: boolean; last_fired_at: string | null }[] = [];
  const fired: { rule: AlertRule; message: AlertMessage }[] = [];
  let event: EventInfo | null = null;
  for (const rule of applicable) {
    const q = rule.quantity;
    const cur = now.get(rule.zone);
    const prev = before.get(rule.zone);
    const obs: Observation = {
      price: cur?.lowest[q] ?? null,
      tickets: cur ? cur.tickets : 0,
      listings: cur ? cur.listings : 0,
      hasPrevious: previous !== null,
      previousPrice: prev?.lowest[q] ?? null,
      priceHoursAgo: rule.overHours === null ? null : (hoursAgo.get(rule.overHours)?.get(rule.zone)?.lowest[q] ?? null),
      lowestBefore: lowestBefore?.get(`${rule.zone}/${q}`) ?? null,
      others: (others?.get(`${rule.zone}/${q}`) ?? []).filter(
        (o) => (!cur || o.currency === cur.currency) && !priceNotComparable(o.marketplace),
      ),
    };
    const state = stateOf.get(rule.id) ?? INITIAL_STATE;
    const result = evaluateRule(rule, obs, state, capturedAt);
    if (result.state !== state) newStates.push({ rule_id: rule.id, armed: result.state.armed, last_fired_at: result.state.lastFiredAt });
    if (!result.fire) continue;
    event ??= await eventInfo(client, scrape);
    fired.push({
      rule,
      message: priceMessage(
        rule,
        scrape,
        event,
        cur?.currency ?? prev?.currency ?? 'USD',
        obs,
        result.measure.reference,
        result.measure.comparedWith,
      ),
    });
  }

  if (newStates.length > 0) {
    await client.query(
      `INSERT INTO alert_rule_state (rule_id, event_id, marketplace, zone, armed, last_fired_at)
       SELECT u.rule_id, $2, $3, r.zone, u.armed, u.last_fired_at
         FROM json_to_recordset($1::json) AS u(rule_id bigint, armed boolean, last_fired_at timestamptz)
         JOIN alert_rules r ON r.id = u.rule_id
       ON CONFLICT (rule_id, event_id, marketplace, zone) DO UPDATE
         SET armed = EXCLUDED.armed, last_fired_at = EXCLUDED.last_fired_at, updated_at = now()`,
      [JSON.stringify(newStates), scrape.eventId, scrape.marketplace],
    );
  }
  if (fired.length === 0) return [];
  const inserted = await client.query<{ id: string; rule_id: string; dedupe_key: string; channels: string[] }>(
    `INSERT INTO alerts (rule_id, event_id, marketplace, zone, kind, dedupe_key, message, details, triggered_at, channels, scrape_key)
     SELECT u.rule_id, $1, $2, u.zone, 'price', u.dedupe_key, u.message, u.details, $3, u.channels, $4
       FROM json_to_recordset($5::json) AS u(rule_id bigint, zone text, dedupe_key text, message text, details jsonb, channels text[])
     ON CONFLICT DO NOTHING
     RETURNING id, rule_id, dedupe_key, channels`,
    [
      scrape.eventId,
      scrape.marketplace,
      scrape.capturedAt,
      scrape.scrapeKey,
      JSON.stringify(
        fired.map(({ rule, message }) => ({
          rule_id: rule.id,
          zone: rule.zone,
          dedupe_key: message.dedupeKey,
          message: `${message.title}\n${message.text}`,
          details: message,
          channels: `{${rule.channels.map((c) => `"${c.replace(/["\\]/g, '')}"`).join(',')}}`,
        })),
      ),
    ],
  );
  const nameOf = new Map(fired.map((f) => [f.rule.id, f.rule.name]));
  return inserted.rows
    .map((r) => ({ alertId: Number(r.id), ruleName: nameOf.get(Number(r.rule_id)) ?? '', dedupeKey: r.dedupe_key, channels: r.channels }))
    .sort((a, b) => a.alertId - b.alertId);
}

/** Lowest price of every earlier scrape of the event on the marketplace, per "zone/quantity". */
async function lowestBeforeByZone(q: Queryable, scrape: ScrapeRow, zones: string[]): Promise<Map<string, number>> {
  const r = await q.query<{ zone: string; p1: string | null; p2: string | null; p4: string | null }>(
    `SELECT zone, min(lowest_price) AS p1, min(lowest_price_2) AS p2, min(lowest_price_4) AS p4
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

/** The latest believable scrape (health 'ok', within 48 h) of each other marketplace for the event, per "zone/quantity". */
async function othersByZone(
  q: Queryable,
  scrape: ScrapeRow,
  zones: string[],
): Promise<Map<string, { marketplace: string; price: number; currency: string }[]>> {
  const r = await q.query<{ marketplace: string; zone: string; p1: string | null; p2: string | null; p4: string | null; currency: string }>(
    `WITH latest AS (
       SELECT DISTINCT ON (marketplace) id, marketplace, captured_at FROM scrapes
        WHERE event_id = $1 AND marketplace <> $2 AND captured_at <= $3 AND captured_at > $3 - make_interval(hours => $5)
          AND health = 'ok'
        ORDER BY marketplace, captured_at DESC)
     SELECT l.marketplace, t.zone, t.lowest_price AS p1, t.lowest_price_2 AS p2, t.lowest_price_4 AS p4, t.currency
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

/** The zone figures of the last scrape at or before `hours` before this one (drop/rise over N h). */
async function figuresHoursAgo(q: Queryable, scrape: ScrapeRow, hours: number): Promise<Map<string, ZoneFigures>> {
  const r = await q.query<{ id: string; captured_at: Date }>(
    `SELECT id, captured_at FROM scrapes
      WHERE event_id = $1 AND marketplace = $2 AND captured_at <= $3::timestamptz - make_interval(secs => $4) AND health = 'ok'
      ORDER BY captured_at DESC LIMIT 1`,
    [scrape.eventId, scrape.marketplace, scrape.capturedAt, hours * 3600],
  );
  const row = r.rows[0];
  return row ? zoneFigures(q, { id: Number(row.id), capturedAt: row.captured_at, eventId: scrape.eventId }) : new Map();
}

async function eventInfo(q: Queryable, scrape: ScrapeRow): Promise<EventInfo> {
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

/** Why `marketplace`'s stored price cannot be compared with the others', or undefined when it can (registry). */
function priceNotComparable(marketplace: string): string | undefined {
  const descriptor = MARKETPLACES.find((m) => m.name === marketplace);
  return descriptor && 'priceNotComparable' in descriptor ? descriptor.priceNotComparable : undefined;
}

/** The buyer's page of the event on the marketplace, where its descriptor can link one from the id. */
function eventPageUrl(marketplace: string, marketplaceEventId: string): string | null {
  const descriptor = MARKETPLACES.find((m) => m.name === marketplace);
  return descriptor && 'eventPageUrl' in descriptor ? descriptor.eventPageUrl(marketplaceEventId) : null;
}

const money = (v: number | null, currency: string): string => (v === null ? 'none' : `${v.toFixed(2)} ${currency}`);

/** The message of a price alert (what every channel renders), from a rule that fired. */
export function priceMessage(
  rule: AlertRule,
  scrape: Pick<ScrapeRow, 'eventId' | 'marketplace' | 'capturedAt' | 'scrapeKey'>,
  event: EventInfo,
  currency: string,
  obs: Observation,
  reference: number | null,
  comparedWith?: string,
): AlertMessage {
  const condition = describeCondition(rule);
  const where = `${rule.zone === SUMMARY_ZONE ? 'whole event' : rule.zone}${rule.quantity > 1 ? `, ${rule.quantity} together` : ''} on ${scrape.marketplace}`;
  const change = percentChange(reference, obs.price);
  const what =
    rule.condition === 'sold-out'
      ? `sold out (was ${money(obs.previousPrice, currency)})`
      : rule.condition === 'back-in-stock'
        ? `back in stock at ${money(obs.price, currency)}`
        : `${money(reference, currency)} -> ${money(obs.price, currency)}${change === null ? '' : ` (${change > 0 ? '+' : ''}${change}%)`}${
            comparedWith ? ` vs ${comparedWith}` : ''
          }`;
  return {
    kind: 'price',
    severity: 'info',
    title: `${event.name}: ${condition} (${where})`.slice(0, 250),
    text: `${what}\nRule "${rule.name}", scrape ${scrape.scrapeKey} at ${scrape.capturedAt.toISOString()}`,
    dedupeKey: `rule/${rule.id}/${scrape.scrapeKey}`,
    event: {
      id: scrape.eventId,
      name: event.name,
      startsAt: event.startsAt?.toISOString() ?? null,
      timezone: event.timezone,
      venue: event.venue,
      url: event.marketplaceEventId === null ? null : eventPageUrl(scrape.marketplace, event.marketplaceEventId),
    },
    marketplace: scrape.marketplace,
    zone: rule.zone,
    groupSize: rule.quantity,
    condition,
    previousPrice: reference,
    price: obs.price,
    changePercent: change,
    currency,
    capturedAt: scrape.capturedAt.toISOString(),
  };
}
