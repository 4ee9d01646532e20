import { getEvent, listDueEvents, listEvents, loadDueEvents, type CatalogEvent } from '../catalog/lifecycle';
import { stoppedReason, type EventStatus, type EventStatusState } from '../domain/event-status';
import type { DueEvent } from '../domain/tracker';
import type { Queryable } from './analytics/query';
import type { Db } from './pool';

/**
 * What follows from the event statuses the marketplaces stated (scrapes.event_status, one per
 * observation; migration 070): the latest one per event, whether the event is still scraped, and
 * its start. Only a successful check counts (a scrape marked format drift is a failure), and only
 * the marketplaces whose format states a status (Ticketmaster) ever write one.
 *
 * - cancelled: the event is no longer scraped after the check that said so (`events list` and
 *   the dashboard say why); its figures are kept, never shown or alerted on as live prices.
 * - postponed: still scraped (it may be rescheduled), its prices not live.
 * - rescheduled: the event takes the start the marketplace gives from then on (the latest
 *   observation with a start, at or after the first "rescheduled"); the catalog's start is left
 *   as the sheet says, so a catalog sync does not undo it.
 */
const LATEST_STATUS = `
  SELECT DISTINCT ON (s.event_id) s.event_id::text AS event_id, s.event_status, s.marketplace, s.captured_at,
         (SELECT r.event_starts_at FROM scrapes r
           WHERE r.event_id = s.event_id AND r.event_starts_at IS NOT NULL AND r.health <> 'format-drift'
             AND r.captured_at >= (SELECT min(x.captured_at) FROM scrapes x
                                    WHERE x.event_id = s.event_id AND x.event_status = 'rescheduled' AND x.health <> 'format-drift')
           ORDER BY r.captured_at DESC LIMIT 1) AS rescheduled_starts_at
    FROM scrapes s
   WHERE s.event_id = ANY($1::bigint[]) AND s.event_status IS NOT NULL AND s.health <> 'format-drift'
   ORDER BY s.event_id, s.captured_at DESC, s.id DESC`;

interface LatestStatusRow {
  event_id: string;
  event_status: EventStatus;
  marketplace: string;
  captured_at: Date;
  rescheduled_starts_at: Date | null;
}

/** The latest stated status of each of these events; events without one are not in the map. */
export async function eventStatusStates(db: Queryable, eventIds: readonly number[]): Promise<Map<number, EventStatusState>> {
  const out = new Map<number, EventStatusState>();
  if (eventIds.length === 0) return out;
  const res = await db.query<LatestStatusRow>(LATEST_STATUS, [eventIds]);
  for (const r of res.rows) {
    out.set(Number(r.event_id), {
      status: r.event_status,
      marketplace: r.marketplace,
      observedAt: r.captured_at.toISOString(),
      rescheduledStartsAt: r.rescheduled_starts_at?.toISOString() ?? null,
    });
  }
  return out;
}

/** Whether an event whose start is `startsAt` (ISO) is past at `now` beyond the grace. */
const pastGrace = (startsAt: string, now: Date, graceHours: number): boolean =>
  new Date(startsAt).getTime() <= now.getTime() - graceHours * 3_600_000;

/**
 * The events a cycle scrapes: the catalog's due events (listDueEvents), less the cancelled ones
 * and the rescheduled ones whose new start is past the grace, plus the rescheduled ones whose
 * catalog start is past but whose new start is not. A rescheduled event carries its new start.
 */
export async function listScrapableEvents(db: Db, now: Date, graceHours: number): Promise<DueEvent[]> {
  const due = await listDueEvents(db, now, graceHours);
  const dueIds = new Set(due.map((e) => e.id));
  const states = await eventStatusStates(
    db,
    due.map((e) => e.id),
  );
  // Tracked events the catalog counts as past that a marketplace rescheduled to a later start.
  const moved = await db.query<{ id: string }>(
    `SELECT DISTINCT s.event_id::text AS id FROM scrapes s JOIN events e ON e.id = s.event_id
      WHERE e.tracked AND s.event_status = 'rescheduled' AND NOT (s.event_id = ANY($1::bigint[]))`,
    [[...dueIds]],
  );
  const movedStates = await eventStatusStates(
    db,
    moved.rows.map((r) => Number(r.id)),
  );
  const revived = [...movedStates].filter(
    ([, s]) => s.status !== 'cancelled' && s.rescheduledStartsAt !== null && !pastGrace(s.rescheduledStartsAt, now, graceHours),
  );
  const extra =
    revived.length > 0
      ? await loadDueEvents(
          db,
          revived.map(([id]) => id),
        )
      : [];
  for (const [id, s] of revived) states.set(id, s);
  const out: DueEvent[] = [];
  for (const e of [...due, ...extra.filter((x) => x.marketplaceIds.length > 0)]) {
    const s = states.get(e.id);
    if (s?.status === 'cancelled') continue;
    const startsAt = s?.rescheduledStartsAt ?? e.startsAt;
    if (s?.rescheduledStartsAt && pastGrace(s.rescheduledStartsAt, now, graceHours)) continue;
    out.push(startsAt === e.startsAt ? e : { ...e, startsAt });
  }
  return out;
}

/**
 * The status the event had when this scrape was captured: the latest stated at or before
 * `at` (this scrape's own included); null when none was stated. For alert evaluation.
 */
export async function eventStatusAt(
  db: Queryable,
  eventId: number,
  at: Date,
): Promise<{ status: EventStatus; marketplace: string } | null> {
  const res = await db.query<{ event_status: EventStatus; marketplace: string }>(
    `SELECT event_status, marketplace FROM scrapes
      WHERE event_id = $1 AND event_status IS NOT NULL AND health <> 'format-drift' AND captured_at <= $2
      ORDER BY captured_at DESC, id DESC LIMIT 1`,
    [eventId, at],
  );
  const row = res.rows[0];
  return row ? { status: row.event_status, marketplace: row.marketplace } : null;
}

/** What readers show beside an event: the latest stated status (null when none) and why it is no longer scraped. */
export interface EventStatusFields {
  eventStatus: EventStatusState | null;
  /** Set for a cancelled event: why it is no longer scraped; null while it is. */
  stoppedReason: string | null;
}

/** The rows with their events' status fields (`id` is the event's internal id), in one query. */
export async function withEventStatus<T extends { id: number }>(db: Queryable, rows: readonly T[]): Promise<(T & EventStatusFields)[]> {
  const states = await eventStatusStates(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const state = states.get(r.id) ?? null;
    return { ...r, eventStatus: state, stoppedReason: stoppedReason(state) };
  });
}

/**
 * `listEvents` (src/catalog/lifecycle) as readers show it: by default also the rescheduled events
 * the catalog counts as past but that are still scraped (their new start is ahead), so every
 * event a cycle scrapes is listed. With `all`, every event as it is.
 */
export async function listEventsByStatus(db: Db, opts: { all?: boolean; now?: Date; graceHours?: number } = {}): Promise<CatalogEvent[]> {
  const events = await listEvents(db, opts);
  if (opts.all) return events;
  const listed = new Set(events.map((e) => e.id));
  const scraped = await listScrapableEvents(db, opts.now ?? new Date(), opts.graceHours ?? 0);
  const extra: CatalogEvent[] = [];
  for (const e of scraped) {
    if (listed.has(e.id)) continue;
    const found = await getEvent(db, e.id);
    if (found) extra.push(found);
  }
  return [...events, ...extra];
}
