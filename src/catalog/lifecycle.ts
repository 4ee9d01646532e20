import type { Db } from '../db/pool';
import type { StartPrecision } from './parse/parsed';
import type { EventMarketplaceId, MarketplaceName } from '../domain/listing';
import type { DueEvent } from '../domain/tracker';

/**
 * The tracking lifecycle: which events are due for scraping, the last scrape per event and
 * marketplace, and loading events by internal id (references are resolved by ./event-ref).
 * Instants cross this boundary as ISO strings, because these values travel through Temporal
 * payloads (JSON) as they are.
 */

/**
 * Whether an event is still worth scraping at $1 with a grace of $2 hours: its start has not
 * passed by more than the grace; with a date but no time, the whole day counts as the start;
 * with no date yet (TBA), always.
 */
const NOT_PAST = `(e.starts_at IS NULL
   OR e.starts_at + CASE WHEN e.start_precision = 'date' THEN interval '1 day' ELSE interval '0' END
      > $1::timestamptz - $2::float8 * interval '1 hour')`;

/**
 * Tracked events that have not started, or started less than `graceHours` ago, and have at
 * least one marketplace id; soonest first, those without a date last.
 */
export async function listDueEvents(db: Db, now: Date, graceHours: number): Promise<DueEvent[]> {
  const res = await db.query<DueEventRow>(
    `SELECT e.id::text AS id, e.name, e.starts_at,
            json_agg(json_build_object('marketplace', s.marketplace, 'marketplaceEventId', s.marketplace_event_id) ORDER BY s.marketplace) AS "marketplaceIds"
       FROM events e JOIN event_sources s ON s.event_id = e.id
      WHERE e.tracked AND ${NOT_PAST}
      GROUP BY e.id
      ORDER BY e.starts_at NULLS LAST, e.id`,
    [now.toISOString(), graceHours],
  );
  return res.rows.map(toDueEvent);
}

interface DueEventRow {
  id: string;
  name: string;
  starts_at: Date | null;
  marketplaceIds: EventMarketplaceId[];
}

function toDueEvent(r: DueEventRow): DueEvent {
  return { id: Number(r.id), name: r.name, startsAt: r.starts_at?.toISOString() ?? null, marketplaceIds: r.marketplaceIds };
}

/**
 * The events with these internal ids (tracked or not, past or not), in the order given, for a
 * one-off scrape; ids of no event are left out. Events without a marketplace id have `marketplaceIds: []`.
 */
export async function loadDueEvents(db: Db, ids: readonly number[]): Promise<DueEvent[]> {
  const res = await db.query<DueEventRow>(
    `SELECT e.id::text AS id, e.name, e.starts_at,
            coalesce(json_agg(json_build_object('marketplace', s.marketplace, 'marketplaceEventId', s.marketplace_event_id) ORDER BY s.marketplace)
                     FILTER (WHERE s.event_id IS NOT NULL), '[]') AS "marketplaceIds"
       FROM events e LEFT JOIN event_sources s ON s.event_id = e.id
      WHERE e.id = ANY($1::bigint[])
      GROUP BY e.id`,
    [ids],
  );
  const byId = new Map(res.rows.map((r) => [Number(r.id), toDueEvent(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * Records a scrape of one event on one marketplace. Times only move forward, so a retried or
 * late activity never rewinds them. Returns false when the event has no id on that marketplace.
 */
export async function markScraped(
  db: Db,
  eventId: number,
  marketplace: MarketplaceName,
  result: { ok: boolean; at: Date | string },
): Promise<boolean> {
  const at = typeof result.at === 'string' ? result.at : result.at.toISOString();
  const res = await db.query(
    `UPDATE event_sources
        SET last_scraped_at = GREATEST(last_scraped_at, $3::timestamptz),
            last_success_at = CASE WHEN $4::bool THEN GREATEST(last_success_at, $3::timestamptz) ELSE last_success_at END
      WHERE event_id = $1 AND marketplace = $2`,
    [eventId, marketplace, at, result.ok],
  );
  return (res.rowCount ?? 0) > 0;
}

export interface EventSourceState extends EventMarketplaceId {
  lastScrapedAt: string | null;
  lastSuccessAt: string | null;
}

export interface CatalogEvent {
  id: number;
  catalogKey: string;
  name: string;
  venue: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  startsAt: string | null;
  /** time: startsAt is the start; date: time to be announced (startsAt is local midnight); tba: no date yet. */
  startPrecision: StartPrecision;
  timezone: string | null;
  category: string | null;
  capacity: number | null;
  tracked: boolean;
  inCatalog: boolean;
  marketplaceIds: EventSourceState[];
}

/** The columns of an `events` row as `pg` returns them (sync and the readers share it). */
export interface EventColumns {
  id: string;
  catalog_key: string;
  name: string;
  venue: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  starts_at: Date | null;
  start_precision: StartPrecision;
  timezone: string | null;
  category: string | null;
  capacity: number | null;
  tracked: boolean;
  in_catalog: boolean;
}

interface EventRow extends EventColumns {
  marketplaceIds: EventSourceState[];
}

const EVENT_SELECT = `
  SELECT e.id::text AS id, e.catalog_key, e.name, e.venue, e.city, e.state, e.country, e.starts_at, e.start_precision, e.timezone,
         e.category, e.capacity, e.tracked, e.in_catalog,
         coalesce((SELECT json_agg(json_build_object(
                           'marketplace', s.marketplace, 'marketplaceEventId', s.marketplace_event_id,
                           'lastScrapedAt', s.last_scraped_at, 'lastSuccessAt', s.last_success_at) ORDER BY s.marketplace)
                     FROM event_sources s WHERE s.event_id = e.id), '[]') AS "marketplaceIds"
    FROM events e`;

function toEvent(r: EventRow): CatalogEvent {
  // json_build_object writes timestamptz without a normalised zone; make them ISO instants.
  const iso = (v: string | null): string | null => (v === null ? null : new Date(v).toISOString());
  return {
    id: Number(r.id),
    catalogKey: r.catalog_key,
    name: r.name,
    venue: r.venue,
    city: r.city,
    state: r.state,
    country: r.country,
    startsAt: r.starts_at ? r.starts_at.toISOString() : null,
    startPrecision: r.starts_at ? r.start_precision : 'tba',
    timezone: r.timezone,
    category: r.category,
    capacity: r.capacity,
    tracked: r.tracked,
    inCatalog: r.in_catalog,
    marketplaceIds: r.marketplaceIds.map((s) => ({ ...s, lastScrapedAt: iso(s.lastScrapedAt), lastSuccessAt: iso(s.lastSuccessAt) })),
  };
}

/**
 * Events for `events list`: by default the ones being tracked now (tracked, not past the grace
 * period); with `all`, every event, untracked and past ones included.
 */
export async function listEvents(db: Db, opts: { all?: boolean; now?: Date; graceHours?: number } = {}): Promise<CatalogEvent[]> {
  const res = opts.all
    ? await db.query<EventRow>(`${EVENT_SELECT} ORDER BY e.starts_at NULLS LAST, e.id`)
    : await db.query<EventRow>(`${EVENT_SELECT} WHERE e.tracked AND ${NOT_PAST} ORDER BY e.starts_at NULLS LAST, e.id`, [
        (opts.now ?? new Date()).toISOString(),
        opts.graceHours ?? 0,
      ]);
  return res.rows.map(toEvent);
}

/** The event with this internal id (resolve a reference first with ./event-ref); undefined when none. */
export async function getEvent(db: Db, id: number): Promise<CatalogEvent | undefined> {
  const res = await db.query<EventRow>(`${EVENT_SELECT} WHERE e.id = $1::bigint`, [id]);
  const row = res.rows[0];
  return row ? toEvent(row) : undefined;
}
