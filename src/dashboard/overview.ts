import type { CatalogEvent } from '../catalog/lifecycle';
import type { HistoryRow } from '../db/analytics/history';
import type { LatestPriceRow } from '../db/analytics/latest';
import { isLiveStatus, stoppedReason, type EventStatus, type EventStatusState } from '../domain/event-status';
import { DEFAULT_PRICE_BASIS, type PriceBasis } from '../domain/price-basis';

/**
 * The Events page's figures for one event, computed from what the analytics functions return
 * (history, latestPrices). Pure; no I/O.
 */
export interface PriceChange {
  /** Lowest price now minus the lowest price then, in the event's currency. */
  change: number;
  /** change / then * 100, rounded to 0.1; null when then is 0. */
  percent: number | null;
}

export interface MarketplaceFigures {
  source: string;
  /** The price basis of lowest, lastLowest and the changes (price-basis.ts). */
  basis: PriceBasis;
  /**
   * Lowest per-ticket price of the marketplace's latest scrape (whole event, zone ALL); null when
   * the event is cancelled or postponed (not a live price: its last figure is `lastLowest`).
   */
  lowest: number | null;
  /** The same figure whatever the event's status: the last one seen. */
  lastLowest: number | null;
  /** False when the event is cancelled or postponed. */
  live: boolean;
  currency: string | null;
  capturedAt: Date | null;
  /** 'ok', or the mark of a scrape that must not pass for a success ('format-drift', 'empty'). */
  status: 'ok' | 'format-drift' | 'empty';
  change24h: PriceChange | null;
  change7d: PriceChange | null;
}

export interface EventOverview {
  id: number;
  name: string;
  venue: string | null;
  city: string | null;
  startsAt: string | null;
  startPrecision: CatalogEvent['startPrecision'];
  timezone: string | null;
  /** The event's ids on the marketplaces (event_sources), for the Events filter. */
  marketplaceIds: string[];
  tracked: boolean;
  /** The price basis of every figure below. */
  basis: PriceBasis;
  marketplaces: MarketplaceFigures[];
  /** Lowest price over all marketplaces per hour of the last 7 days: [epoch ms, price]. */
  sparkline: [number, number][];
  lastScrapeAt: Date | null;
  /** 'ok', 'format-drift', 'empty', 'failed' (an error newer than the last scrape) or 'never'. */
  lastStatus: 'ok' | 'format-drift' | 'empty' | 'failed' | 'never';
  lastErrorAt: Date | null;
  /** The event's status as a marketplace last stated it (null when none did), e.g. "cancelled". */
  eventStatus: EventStatus | null;
  /** Why the event is no longer scraped (a cancelled one); null while it is. */
  stoppedReason: string | null;
}

const HOUR_MS = 3_600_000;

/**
 * The change of a series of [time, lowest] points (sorted by time) over `hours`: its last value
 * against the last value at or before (last time - hours). Null with fewer than two such points.
 */
export function changeOver(points: readonly (readonly [number, number])[], hours: number): PriceChange | null {
  const last = points[points.length - 1];
  if (!last) return null;
  const cutoff = last[0] - hours * HOUR_MS;
  let then: readonly [number, number] | undefined;
  for (const p of points) {
    if (p[0] <= cutoff) then = p;
    else break;
  }
  if (!then) return null;
  const change = Math.round((last[1] - then[1]) * 100) / 100;
  return { change, percent: then[1] === 0 ? null : Math.round((change / then[1]) * 1000) / 10 };
}

/** Lowest-price points per marketplace from history rows (zone ALL, quantity 1). */
export function seriesBySource(rows: readonly HistoryRow[]): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const r of rows) {
    if (r.lowest === null) continue;
    const s = out.get(r.source) ?? [];
    s.push([r.bucket.getTime(), r.lowest]);
    out.set(r.source, s);
  }
  for (const s of out.values()) s.sort((a, b) => a[0] - b[0]);
  return out;
}

/** The lowest over all marketplaces per bucket. */
export function lowestAcross(rows: readonly HistoryRow[]): [number, number][] {
  const byTime = new Map<number, number>();
  for (const r of rows) {
    if (r.lowest === null) continue;
    const t = r.bucket.getTime();
    const prev = byTime.get(t);
    byTime.set(t, prev === undefined ? r.lowest : Math.min(prev, r.lowest));
  }
  return [...byTime].sort((a, b) => a[0] - b[0]);
}

/**
 * `latest` and `week` must be on `basis`: a row on another basis is a reader's error, thrown as
 * such (a RangeError naming both), never shown beside the others.
 */
export function eventOverview(
  event: CatalogEvent,
  latest: readonly LatestPriceRow[],
  week: readonly HistoryRow[],
  lastErrorAt: Date | null,
  status: EventStatusState | null = null,
  basis: PriceBasis = DEFAULT_PRICE_BASIS,
): EventOverview {
  for (const r of [...latest, ...week])
    if (r.basis !== basis)
      throw new RangeError(`event ${event.id}: a ${r.basis} figure among ${basis} ones (${r.source}); bases are never mixed`);
  const live = isLiveStatus(status?.status);
  const series = seriesBySource(week);
  const sources = new Set([...event.marketplaceIds.map((s) => s.marketplace), ...latest.map((l) => l.source)]);
  const marketplaces: MarketplaceFigures[] = [...sources].sort().map((source) => {
    const l = latest.find((x) => x.source === source && x.zone === 'ALL');
    const s = series.get(source) ?? [];
    return {
      source,
      basis,
      lowest: live ? (l?.lowest ?? null) : null,
      lastLowest: l?.lowest ?? null,
      live,
      currency: l?.currency ?? null,
      capturedAt: l?.capturedAt ?? null,
      status: l?.mark ?? 'ok',
      change24h: changeOver(s, 24),
      change7d: changeOver(s, 24 * 7),
    };
  });
  const times = latest.map((l) => l.capturedAt.getTime());
  const lastScrapeAt = times.length > 0 ? new Date(Math.max(...times)) : null;
  const newest = latest.find((l) => l.capturedAt.getTime() === lastScrapeAt?.getTime());
  const lastStatus: EventOverview['lastStatus'] =
    lastErrorAt && (!lastScrapeAt || lastErrorAt > lastScrapeAt)
      ? 'failed'
      : !lastScrapeAt
        ? 'never'
        : latest.some((l) => l.mark === 'format-drift')
          ? 'format-drift'
          : latest.some((l) => l.mark === 'empty')
            ? 'empty'
            : (newest?.mark ?? 'ok');
  return {
    id: event.id,
    name: event.name,
    venue: event.venue,
    city: event.city,
    // A rescheduled event goes by the marketplace's new start.
    startsAt: status?.rescheduledStartsAt ?? event.startsAt,
    startPrecision: status?.rescheduledStartsAt ? 'time' : event.startPrecision,
    timezone: event.timezone,
    marketplaceIds: event.marketplaceIds.map((m) => m.marketplaceEventId),
    tracked: event.tracked,
    basis,
    marketplaces,
    sparkline: lastDays(lowestAcross(week), 7),
    lastScrapeAt,
    lastStatus,
    lastErrorAt,
    eventStatus: status?.status ?? null,
    stoppedReason: stoppedReason(status),
  };
}

/** The points of the last `days` days before the series' last point. */
function lastDays(points: [number, number][], days: number): [number, number][] {
  const last = points[points.length - 1];
  return last ? points.filter((p) => p[0] >= last[0] - days * 24 * HOUR_MS) : points;
}
