import { historyOfEvents } from '../db/analytics/history';
import { latestPricesOfEvents } from '../db/analytics/latest';
import { eventStatusStates, listEventsByStatus } from '../db/event-status';
import { daysAgo } from '../db/analytics/query';
import { listCycles, listScrapeErrors, type CycleRecord } from '../db/cycles';
import type { Db } from '../db/pool';
import { parseBucket } from '../domain/buckets';
import { DEFAULT_PRICE_BASIS, type PriceBasis } from '../domain/price-basis';
import { countFailures, failureKindOf, type FailureCount, type FailureKind } from './failures';
import { eventOverview, type EventOverview } from './overview';
import { cycleWorkflowId, scrapeWorkflowId, workflowUrl, type TemporalUi } from './temporal-links';

/**
 * What the pages show, read through the same functions as the CLI (catalog/lifecycle,
 * db/analytics, db/cycles); the few reads those lack (latest error per event, marked scrapes,
 * an event's recent cycles) are here.
 */
const HOUR = parseBucket('1 hour');

/**
 * The Events page: every tracked event (all with `all`) with its latest prices, changes and
 * sparkline, every figure on `basis` (all-in when absent).
 */
export async function loadEventsOverview(db: Db, opts: { all: boolean; basis?: PriceBasis; now?: Date }): Promise<EventOverview[]> {
  const now = opts.now ?? new Date();
  const basis = opts.basis ?? DEFAULT_PRICE_BASIS;
  const events = await listEventsByStatus(db, { all: opts.all, now });
  if (events.length === 0) return [];
  const errors = await db.query<{ event_id: string; at: Date }>(
    `SELECT event_id, max(occurred_at) AS at FROM scrape_errors WHERE event_id = ANY($1::bigint[]) AND occurred_at >= $2 GROUP BY event_id`,
    [events.map((e) => e.id), daysAgo(now, 8)],
  );
  const lastError = new Map(errors.rows.map((r) => [Number(r.event_id), r.at]));
  // Every event's figures in one read each (not two statements per event, each planned over
  // every partition or chunk).
  const ids = events.map((e) => e.id);
  const [latest, week] = await Promise.all([
    latestPricesOfEvents(db, ids, undefined, basis),
    historyOfEvents(db, { eventIds: ids, from: daysAgo(now, 8), to: now, bucket: HOUR, basis }),
  ]);
  const states = await eventStatusStates(db, ids);
  return events.map((e) =>
    eventOverview(e, latest.get(e.id) ?? [], week.get(e.id) ?? [], lastError.get(e.id) ?? null, states.get(e.id) ?? null, basis),
  );
}

export interface CycleView extends CycleRecord {
  workflowId: string;
  workflowUrl: string;
}

export interface FailureView {
  at: Date;
  eventId: number | null;
  marketplace: string | null;
  kind: FailureKind;
  message: string;
  cycleId: string | null;
  workflowUrl: string | null;
}

export interface CyclesView {
  cycles: CycleView[];
  failures: FailureView[];
  byMarketplaceAndKind: FailureCount[];
}

/** The Cycles page: the latest cycles, and the failures (errors and marked scrapes) of the last `hours`. */
export async function loadCycles(db: Db, ui: TemporalUi, opts: { limit: number; hours: number; now?: Date }): Promise<CyclesView> {
  const since = new Date((opts.now ?? new Date()).getTime() - opts.hours * 3_600_000);
  const [cycles, errors, marked] = await Promise.all([
    listCycles(db, opts.limit),
    listScrapeErrors(db, since, 2000),
    db.query<{
      event_id: string;
      marketplace: string;
      captured_at: Date;
      health: 'format-drift' | 'empty';
      health_reason: string | null;
      scrape_key: string;
    }>(
      `SELECT event_id, marketplace, captured_at, health, health_reason, scrape_key FROM scrapes
        WHERE captured_at >= $1 AND health <> 'ok' ORDER BY captured_at DESC LIMIT 2000`,
      [since],
    ),
  ]);
  const failures: FailureView[] = [
    ...errors.map((e) => ({
      at: e.occurredAt,
      eventId: e.eventId,
      marketplace: e.marketplace,
      kind: failureKindOf(e.message),
      message: e.message,
      cycleId: e.cycleId,
      workflowUrl: e.cycleId && e.eventId !== null ? workflowUrl(ui, scrapeWorkflowId(e.cycleId, e.eventId)) : null,
    })),
    ...marked.rows.map((m) => {
      // A scrape's key is `<cycleId>/<eventId>/<marketplace>` (domain/tracker scrapeIdFor).
      const parts = m.scrape_key.split('/');
      const cycleId = parts.length >= 3 ? parts.slice(0, -2).join('/') : null;
      const eventId = Number(m.event_id);
      return {
        at: m.captured_at,
        eventId,
        marketplace: m.marketplace,
        kind: m.health,
        message: m.health_reason ?? m.health,
        cycleId,
        workflowUrl: cycleId ? workflowUrl(ui, scrapeWorkflowId(cycleId, eventId)) : null,
      };
    }),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
  return {
    cycles: cycles.map((c) => ({ ...c, workflowId: cycleWorkflowId(c.cycleId), workflowUrl: workflowUrl(ui, cycleWorkflowId(c.cycleId)) })),
    failures,
    byMarketplaceAndKind: countFailures(failures),
  };
}

export interface EventWorkflow {
  cycleId: string;
  workflowId: string;
  url: string;
  startedAt: Date;
  marketplaces: string[];
}

/** The event's scrapeEvent workflows of its latest cycles (from its scrapes' keys), newest first. */
export async function loadEventWorkflows(db: Db, ui: TemporalUi, eventId: number, limit = 10): Promise<EventWorkflow[]> {
  const res = await db.query<{ scrape_key: string; marketplace: string; captured_at: Date }>(
    `SELECT scrape_key, marketplace, captured_at FROM scrapes WHERE event_id = $1 ORDER BY captured_at DESC LIMIT $2`,
    [eventId, limit * 4],
  );
  const byJob = new Map<string, EventWorkflow>();
  for (const r of res.rows) {
    const suffix = `/${eventId}/${r.marketplace}`;
    if (!r.scrape_key.endsWith(suffix)) continue; // not written by a cycle (e.g. imported)
    const cycleId = r.scrape_key.slice(0, -suffix.length);
    const w = byJob.get(cycleId);
    if (w) {
      w.marketplaces.push(r.marketplace);
      continue;
    }
    if (byJob.size >= limit) break;
    const workflowId = scrapeWorkflowId(cycleId, eventId);
    byJob.set(cycleId, { cycleId, workflowId, url: workflowUrl(ui, workflowId), startedAt: r.captured_at, marketplaces: [r.marketplace] });
  }
  return [...byJob.values()];
}

/**
 * The Events page's figures change only when a scrape or an error is recorded, the catalog
 * changes, or time moves the 24-hour and 7-day windows: a cheap version query (newest scrape
 * and error ids, a digest of the events) decides whether the last answer still holds; it is
 * reused for at most `maxAgeMs` (60 s) so the windows move on.
 */
export function cachedEventsOverview(db: Db, maxAgeMs = 60_000): (opts: { all: boolean; basis: PriceBasis }) => Promise<EventOverview[]> {
  const cache = new Map<string, { version: string; at: number; value: EventOverview[] }>();
  return async (opts) => {
    const v = await db.query<{ s: string | null; e: string | null; ev: string | null }>(
      `SELECT (SELECT max(id) FROM scrapes)::text AS s, (SELECT max(id) FROM scrape_errors)::text AS e,
              (SELECT md5(string_agg(id || ':' || tracked || ':' || coalesce(starts_at::text, '') || ':' || name, ',' ORDER BY id)) FROM events) AS ev`,
    );
    const version = `${v.rows[0]?.s}/${v.rows[0]?.e}/${v.rows[0]?.ev}`;
    const key = `${opts.all}/${opts.basis}`;
    const hit = cache.get(key);
    if (hit && hit.version === version && Date.now() - hit.at < maxAgeMs) return hit.value;
    const value = await loadEventsOverview(db, opts);
    cache.set(key, { version, at: Date.now(), value });
    return value;
  };
}
