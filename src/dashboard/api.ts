import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EventRefError, resolveEventRef, UnknownEventError, type ResolvedEvent } from '../catalog/event-ref';
import { getEvent } from '../catalog/lifecycle';
import { availability } from '../db/analytics/availability';
import { history } from '../db/analytics/history';
import { latestListings, latestPrices } from '../db/analytics/latest';
import { withEventStatus } from '../db/event-status';
import { daysAgo } from '../db/analytics/query';
import { sections } from '../db/analytics/sections';
import { cheapestSeatsOfEvent } from '../db/analytics/together';
import { unknownZone } from '../db/analytics/zones';
import type { Db } from '../db/pool';
import { parseBucket } from '../domain/buckets';
import { MARKETPLACES } from '../marketplaces/registry';
import { loadAlerts, loadEventAlerts } from './alerts';
import { cachedEventsOverview, loadCycles, loadEventWorkflows } from './data';
import {
  alertsParams,
  availabilityParams,
  changesParams,
  cyclesParams,
  BadParameter,
  eventParams,
  eventRefParam,
  eventsParams,
  historyParams,
  listingsParams,
  parseParams,
  pricesParams,
  sectionsParams,
  togetherParams,
} from './params';
import { workflowListUrl, type TemporalUi } from './temporal-links';

/** Thrown for an EVENT that names no event: answered with 404. */
export class NotFound extends Error {
  override name = 'NotFound';
}

/** The query string without the access token (which the access hook has read already). */
function queryOf(req: FastifyRequest): Record<string, unknown> {
  const { token: _token, ...rest } = (req.query ?? {}) as Record<string, unknown>;
  return rest;
}

/** Thrown for a zone the event has no figures in: answered with 404 naming it and listing the event's zones. */
export class UnknownZone extends NotFound {
  constructor(
    readonly zone: string,
    readonly zones: string[],
  ) {
    super(`event has no zone "${zone}" (zones: ${zones.join(', ')})`);
  }
}

/**
 * Empty rows for a zone the event does not have are an unknown zone, not an empty period: throws
 * UnknownZone then. Checks only when `rows` is empty, so reads that find figures cost nothing more.
 */
async function checkZone(db: Db, eventId: number, zone: string | undefined, rows: readonly unknown[]): Promise<void> {
  const zones = await unknownZone(db, eventId, zone, rows.length);
  if (zones && zone !== undefined) throw new UnknownZone(zone, zones);
}

async function eventOf(db: Db, req: FastifyRequest): Promise<ResolvedEvent> {
  const { event } = parseParams(eventRefParam, req.params);
  try {
    return await resolveEventRef(db, event);
  } catch (err) {
    if (err instanceof UnknownEventError) throw new NotFound(err.message);
    if (err instanceof EventRefError) throw new BadParameter('event', err.message);
    throw err;
  }
}

/**
 * The JSON API under /api (documented in docs/dashboard.md). Every route reads
 * through the analytics functions the CLI uses; EVENT takes every form the CLI takes.
 */
export function registerApi(app: FastifyInstance, db: Db, ui: TemporalUi): void {
  const eventsOverview = cachedEventsOverview(db);
  app.get('/api/events', async (req) => {
    const p = parseParams(eventsParams, queryOf(req));
    return { basis: p.basis, events: await eventsOverview({ all: p.all === 'true', basis: p.basis }) };
  });

  app.get('/api/events/:event', async (req) => {
    const ref = await eventOf(db, req);
    const p = parseParams(eventParams, queryOf(req));
    const [event, latest, workflows] = await Promise.all([
      getEvent(db, ref.id),
      latestPrices(db, ref.id, undefined, p.basis),
      loadEventWorkflows(db, ui, ref.id),
    ]);
    if (!event) throw new NotFound(`event ${ref.id} is gone`);
    const [withStatus] = await withEventStatus(db, [event]);
    const zones = [...new Set(latest.map((l) => l.zone))].filter((z) => z !== 'ALL').sort();
    return {
      event: withStatus,
      basis: p.basis,
      zones,
      latest,
      workflows,
      allWorkflowsUrl: workflowListUrl(ui, `WorkflowId STARTS_WITH "scrape/${ref.id}/"`),
    };
  });

  app.get('/api/events/:event/history', async (req) => {
    const ref = await eventOf(db, req);
    const p = parseParams(historyParams, queryOf(req));
    const now = new Date();
    const rows = await history(db, {
      eventId: ref.id,
      from: daysAgo(now, p.days),
      to: now,
      bucket: p.bucket,
      zone: p.zone,
      source: p.source,
      quantity: p.quantity,
      basis: p.basis,
    });
    await checkZone(db, ref.id, p.zone, rows);
    return { event: ref.id, basis: p.basis, bucket: p.bucket.label, days: p.days, zone: p.zone ?? 'ALL', quantity: p.quantity, rows };
  });

  app.get('/api/events/:event/availability', async (req) => {
    const ref = await eventOf(db, req);
    const p = parseParams(availabilityParams, queryOf(req));
    const now = new Date();
    const bucket = p.bucket ?? parseBucket(p.days <= 3 ? '1 hour' : '1 day');
    const rows = await availability(db, {
      eventId: ref.id,
      from: daysAgo(now, p.days),
      to: now,
      bucket,
      capacity: ref.capacity,
      zone: p.zone,
      source: p.source,
    });
    await checkZone(db, ref.id, p.zone, rows);
    return { event: ref.id, bucket: bucket.label, days: p.days, capacity: ref.capacity, rows };
  });

  app.get('/api/events/:event/sections', async (req) => {
    const ref = await eventOf(db, req);
    const p = parseParams(sectionsParams, queryOf(req));
    const now = new Date();
    return {
      event: ref.id,
      basis: p.basis,
      days: p.days,
      rows: await sections(db, { eventId: ref.id, from: daysAgo(now, p.days), to: now, basis: p.basis }),
    };
  });

  app.get('/api/events/:event/listings', async (req) => {
    const ref = await eventOf(db, req);
    const p = parseParams(listingsParams, queryOf(req));
    // Rows keep both buyer's prices, named (allInPrice, basePrice), and the seller's net proceeds
    // under that name only; `basis` is the order (cheapest first on it).
    return { event: ref.id, basis: p.basis, rows: await latestListings(db, ref.id, p.limit, p.source, p.basis) };
  });

  // The cheapest N seats together across marketplaces, and the supply with the same seats counted
  // once, from the latest scrape of every marketplace that gives listings (docs/prices.md).
  app.get('/api/events/:event/together', async (req) => {
    const ref = await eventOf(db, req);
    const p = parseParams(togetherParams, queryOf(req));
    return { event: ref.id, ...(await cheapestSeatsOfEvent(db, ref.id, p.seats, p.basis)) };
  });

  app.get('/api/events/:event/prices', async (req) => {
    const ref = await eventOf(db, req);
    const p = parseParams(pricesParams, queryOf(req));
    return { event: ref.id, basis: p.basis, rows: await latestPrices(db, ref.id, p.source, p.basis) };
  });

  app.get('/api/events/:event/alerts', async (req) => {
    const ref = await eventOf(db, req);
    const p = parseParams(changesParams, queryOf(req));
    return {
      event: ref.id,
      days: p.days,
      // The price changes' basis; the alerts carry their rules' own.
      basis: p.basis,
      ...(await loadEventAlerts(db, ref.id, { days: p.days, minPercent: p.minPercent, basis: p.basis })),
    };
  });

  app.get('/api/alerts', async (req) => {
    const p = parseParams(alertsParams, queryOf(req));
    return { days: p.days, ...(await loadAlerts(db, p)) };
  });

  app.get('/api/cycles', async (req) => {
    const p = parseParams(cyclesParams, queryOf(req));
    return loadCycles(db, ui, { limit: p.limit, hours: p.hours });
  });

  // The Cycles page's API under its old name (bookmarks, scripts): the same answer, the cycles under `runs`.
  app.get('/api/runs', async (req) => {
    const p = parseParams(cyclesParams, queryOf(req));
    const { cycles, failures, byMarketplaceAndKind } = await loadCycles(db, ui, { limit: p.limit, hours: p.hours });
    return { runs: cycles, failures, byMarketplaceAndKind };
  });

  // What the front end shows of each marketplace: its label and colour, from its descriptor.
  app.get('/api/marketplaces', async () => ({
    marketplaces: MARKETPLACES.map((m) => ({ name: m.name, label: m.label, color: m.color, priceBases: m.priceBases })),
  }));
}
