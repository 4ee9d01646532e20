import { isLiveStatus, type EventStatus, type EventStatusState } from '../../domain/event-status';
import type { MarketplaceName } from '../../domain/listing';
import { eventStatusStates } from '../event-status';
import { MARKETPLACES } from '../../marketplaces/registry';
import { basisColumnPrefix, DEFAULT_PRICE_BASIS, type PriceBasis } from '../../domain/price-basis';
import { num, type BuiltQuery, type Queryable } from './query';

/** What the latest scrape of each marketplace saw: prices per zone, and the listings themselves. */
export interface LatestPriceRow {
  source: string;
  zone: string;
  capturedAt: Date;
  /** The basis of every price of the row (price-basis.ts); null where the marketplace gives none on it. */
  basis: PriceBasis;
  lowest: number | null;
  average: number | null;
  highest: number | null;
  lowest2: number | null;
  lowest4: number | null;
  tickets: number | null;
  listings: number | null;
  available: boolean;
  currency: string;
  /** Set when the scrape must not pass for a plain success: 'format-drift' or 'empty' (domain/scrape-health). */
  mark: 'format-drift' | 'empty' | null;
  /** The event's latest status as a marketplace stated it (any marketplace's scrape; null when none did). */
  eventStatus: EventStatus | null;
  /** False when that status is cancelled or postponed: the figures are kept but are not a live price. */
  live: boolean;
}

// The latest scrape per marketplace comes from scrapes' (event_id, marketplace, captured_at DESC)
// index; its rows are then found by time (partition or chunk pruning) and scrape, through a
// LATERAL subquery fenced with OFFSET 0, so the planner cannot flatten it into a hash join over
// whole tables and looks the rows up per scrape (partition pruning at run time, then the index).
const latestScrapes = (event: string): string => `SELECT DISTINCT ON (marketplace) id, marketplace, captured_at, health FROM scrapes
  WHERE event_id = ${event} AND ($2::text IS NULL OR marketplace = $2) ORDER BY marketplace, captured_at DESC, id DESC`;

export function buildLatestPricesQuery(eventId: number, source?: MarketplaceName, basis: PriceBasis = DEFAULT_PRICE_BASIS): BuiltQuery {
  const p = basisColumnPrefix(basis);
  return {
    text: `WITH latest AS (${latestScrapes('$1')})
           SELECT s.marketplace, s.zone, s.captured_at, s.${p}lowest_price AS lowest_price, s.${p}average_price AS average_price, s.${p}highest_price AS highest_price, s.${p}lowest_price_2 AS lowest_price_2,
                  s.${p}lowest_price_4 AS lowest_price_4, s.total_tickets, s.total_listings, s.available, s.currency, l.health
             FROM latest l
             CROSS JOIN LATERAL (
               SELECT * FROM ticket_snapshots x
                WHERE x.event_id = $1 AND x.captured_at = l.captured_at AND x.scrape_ref = l.id AND x.section = ''
               OFFSET 0
             ) s
            ORDER BY s.zone = 'ALL' DESC, s.zone, s.marketplace`,
    values: [eventId, source ?? null],
  };
}

/**
 * The latest scrape of each marketplace of each event (the first of latestPricesOfEvents' two
 * statements): one index probe per event and marketplace (the marketplaces scrapes' CHECK allows,
 * those of the registry), newest first, the same scrape latestPrices picks (ties by id).
 * (A DISTINCT ON per event, as latestPrices reads one, reads and sorts every scrape of the event:
 * 64 ms for 100 events of 360 scrapes on the dashboard bench.)
 */
export function buildLatestScrapesOfEventsQuery(eventIds: readonly number[], source?: MarketplaceName): BuiltQuery {
  return {
    text: `SELECT e.event_id, l.id, l.captured_at::text AS captured_at, l.health
             FROM unnest($1::bigint[]) AS e(event_id) CROSS JOIN unnest($2::text[]) AS m(marketplace)
            CROSS JOIN LATERAL (
              SELECT id, captured_at, health FROM scrapes
               WHERE event_id = e.event_id AND marketplace = m.marketplace ORDER BY captured_at DESC, id DESC LIMIT 1
            ) l`,
    values: [eventIds, source ? [source] : MARKETPLACES.map((m) => m.name)],
  };
}

/**
 * The zone-level snapshots of the given scrapes (the second statement; `capturedAt` as PostgreSQL
 * prints a timestamptz, so microseconds survive): the scrapes' times are
 * constants when the statement is planned, so only their partitions or chunks are planned and
 * read. (A LATERAL per event over ticket_snapshots, as latestPrices reads one event, is planned
 * over every chunk in TimescaleDB: for 100 events its cost estimate crossed jit_above_cost and
 * JIT compilation took 250 of the read's 300 ms on the dashboard bench's 10 M rows.)
 */
export function buildSnapshotsOfScrapesQuery(
  scrapes: readonly { eventId: number; id: string; capturedAt: string }[],
  basis: PriceBasis = DEFAULT_PRICE_BASIS,
): BuiltQuery {
  const p = basisColumnPrefix(basis);
  return {
    text: `SELECT x.event_id, x.scrape_ref, x.marketplace, x.zone, x.captured_at, x.${p}lowest_price AS lowest_price, x.${p}average_price AS average_price, x.${p}highest_price AS highest_price,
                  x.${p}lowest_price_2 AS lowest_price_2, x.${p}lowest_price_4 AS lowest_price_4, x.total_tickets, x.total_listings, x.available, x.currency
             FROM ticket_snapshots x
            WHERE x.event_id = ANY($1::bigint[]) AND x.captured_at = ANY($2::timestamptz[]) AND x.scrape_ref = ANY($3::bigint[])
              AND x.section = ''
            ORDER BY x.event_id, x.zone = 'ALL' DESC, x.zone, x.marketplace`,
    values: [[...new Set(scrapes.map((r) => r.eventId))], [...new Set(scrapes.map((r) => r.capturedAt))], scrapes.map((r) => r.id)],
  };
}

interface LatestPriceRaw {
  marketplace: string;
  zone: string;
  captured_at: Date;
  lowest_price: string | null;
  average_price: string | null;
  highest_price: string | null;
  lowest_price_2: string | null;
  lowest_price_4: string | null;
  total_tickets: number | null;
  total_listings: number | null;
  available: boolean;
  currency: string;
  health: 'ok' | 'format-drift' | 'empty';
}

const toLatestPrice = (r: LatestPriceRaw, basis: PriceBasis): LatestPriceRow => ({
  source: r.marketplace,
  zone: r.zone,
  capturedAt: r.captured_at,
  basis,
  lowest: num(r.lowest_price),
  average: num(r.average_price),
  highest: num(r.highest_price),
  lowest2: num(r.lowest_price_2),
  lowest4: num(r.lowest_price_4),
  tickets: r.total_tickets,
  listings: r.total_listings,
  available: r.available,
  currency: r.currency,
  mark: r.health === 'ok' ? null : r.health,
  eventStatus: null,
  live: true,
});

/** The rows with their event's stated status (src/db/event-status.ts). */
function withStatus(rows: LatestPriceRow[], state: EventStatusState | undefined): LatestPriceRow[] {
  if (!state) return rows;
  const live = isLiveStatus(state.status);
  return rows.map((r) => ({ ...r, eventStatus: state.status, live }));
}

/** Latest prices per zone (and for the whole event, zone 'ALL') and marketplace. */
export async function latestPrices(
  db: Queryable,
  eventId: number,
  source?: MarketplaceName,
  basis: PriceBasis = DEFAULT_PRICE_BASIS,
): Promise<LatestPriceRow[]> {
  const b = buildLatestPricesQuery(eventId, source, basis);
  const res = await db.query<LatestPriceRaw>(b.text, b.values);
  if (res.rows.length === 0) return [];
  return withStatus(
    res.rows.map((r) => toLatestPrice(r, basis)),
    (await eventStatusStates(db, [eventId])).get(eventId),
  );
}

/**
 * `latestPrices` of many events in two statements (their latest scrapes, then those scrapes' snapshots): a map from every requested event id to the
 * rows `latestPrices(db, id, source)` returns, in the same order (an empty list when it has none).
 */
export async function latestPricesOfEvents(
  db: Queryable,
  eventIds: readonly number[],
  source?: MarketplaceName,
  basis: PriceBasis = DEFAULT_PRICE_BASIS,
): Promise<Map<number, LatestPriceRow[]>> {
  const out = new Map<number, LatestPriceRow[]>(eventIds.map((id) => [id, []]));
  if (eventIds.length === 0) return out;
  const ls = buildLatestScrapesOfEventsQuery(eventIds, source);
  const scrapes = await db.query<{ event_id: string; id: string; captured_at: string; health: LatestPriceRaw['health'] }>(
    ls.text,
    ls.values,
  );
  if (scrapes.rows.length === 0) return out;
  const health = new Map(scrapes.rows.map((r) => [r.id, r.health]));
  const b = buildSnapshotsOfScrapesQuery(
    scrapes.rows.map((r) => ({ eventId: Number(r.event_id), id: r.id, capturedAt: r.captured_at })),
    basis,
  );
  const res = await db.query<Omit<LatestPriceRaw, 'health'> & { event_id: string; scrape_ref: string }>(b.text, b.values);
  for (const r of res.rows) out.get(Number(r.event_id))?.push(toLatestPrice({ ...r, health: health.get(r.scrape_ref) ?? 'ok' }, basis));
  const states = await eventStatusStates(db, [...out.keys()]);
  for (const [id, rows] of out) out.set(id, withStatus(rows, states.get(id)));
  return out;
}

export interface ListingRow {
  source: string;
  capturedAt: Date;
  listingId: string;
  zone: string;
  section: string;
  row: string | null;
  quantity: number;
  splits: number[];
  /** The buyer's price per ticket before fees and all in (price-basis.ts); null where not given. */
  basePrice: number | null;
  allInPrice: number | null;
  /** What the seller receives (StubHub); never a buyer's price. */
  sellerNetProceeds: number | null;
  currency: string;
}

export function buildLatestListingsQuery(
  eventId: number,
  limit: number,
  source?: MarketplaceName,
  basis: PriceBasis = DEFAULT_PRICE_BASIS,
): BuiltQuery {
  // Cheapest first on the basis; listings without a price on it come last.
  const order = basis === 'all-in' ? 'x.all_in_price' : 'x.base_price';
  return {
    text: `WITH latest AS (${latestScrapes('$1')})
           SELECT x.marketplace, x.captured_at, x.listing_id, x.zone, x.section, x.seat_row, x.quantity, x.splits,
                  x.base_price, x.all_in_price, x.seller_net_proceeds, x.currency
             FROM latest l
             CROSS JOIN LATERAL (SELECT * FROM listings y WHERE y.captured_at = l.captured_at AND y.scrape_ref = l.id OFFSET 0) x
            ORDER BY ${order} NULLS LAST, x.marketplace, x.listing_id
            LIMIT $3`,
    values: [eventId, source ?? null, limit],
  };
}

interface ListingRaw {
  marketplace: string;
  captured_at: Date;
  listing_id: string;
  zone: string;
  section: string;
  seat_row: string | null;
  quantity: number;
  splits: number[];
  base_price: string | null;
  all_in_price: string | null;
  seller_net_proceeds: string | null;
  currency: string;
}

const toListing = (r: ListingRaw): ListingRow => ({
  source: r.marketplace,
  capturedAt: r.captured_at,
  listingId: r.listing_id,
  zone: r.zone,
  section: r.section,
  row: r.seat_row,
  quantity: r.quantity,
  splits: r.splits,
  basePrice: num(r.base_price),
  allInPrice: num(r.all_in_price),
  sellerNetProceeds: num(r.seller_net_proceeds),
  currency: r.currency.trim(),
});

/** The listings of the latest scrape of each marketplace, cheapest first. */
export async function latestListings(
  db: Queryable,
  eventId: number,
  limit: number,
  source?: MarketplaceName,
  basis: PriceBasis = DEFAULT_PRICE_BASIS,
): Promise<ListingRow[]> {
  const b = buildLatestListingsQuery(eventId, limit, source, basis);
  const res = await db.query<ListingRaw>(b.text, b.values);
  return res.rows.map(toListing);
}

/**
 * Listings moved to the archive by retention, for one event and period: the archive is queried
 * like the live table (same columns), just separately so live queries never scan it.
 */
export function buildArchivedListingsQuery(eventId: number, from: Date, to: Date, limit: number): BuiltQuery {
  return {
    text: `SELECT x.marketplace, x.captured_at, x.listing_id, x.zone, x.section, x.seat_row, x.quantity, x.splits,
                  x.base_price, x.all_in_price, x.seller_net_proceeds, x.currency
             FROM listings_archive x
            WHERE x.event_id = $1 AND x.captured_at >= $2 AND x.captured_at < $3
            ORDER BY x.captured_at, x.marketplace, x.listing_id
            LIMIT $4`,
    values: [eventId, from, to, limit],
  };
}

export async function archivedListings(db: Queryable, eventId: number, from: Date, to: Date, limit = 10_000): Promise<ListingRow[]> {
  const b = buildArchivedListingsQuery(eventId, from, to, limit);
  const res = await db.query<ListingRaw>(b.text, b.values);
  return res.rows.map(toListing);
}
