import { distinctSupply, type DistinctSupply } from '../../domain/distinct-supply';
import type { PriceBasis } from '../../domain/price-basis';
import { cheapestTogetherForSizes, type OfferedListing } from '../../domain/together';
import { num, type BuiltQuery, type Queryable } from './query';

/**
 * What the latest scrape of each marketplace of one event offers, listing by listing, for the
 * cheapest-seats-together and distinct-supply figures (domain/together.ts, domain/distinct-supply.ts).
 */
export interface OfferedListingsOfEvent {
  /** Every listing of every marketplace's latest scrape (no limit), as those figures take them. */
  listings: OfferedListing[];
  /** Each marketplace's latest scrape, by marketplace name. */
  scrapes: LatestScrapeOfMarketplace[];
}

export interface LatestScrapeOfMarketplace {
  marketplace: string;
  capturedAt: Date;
  /** 'summary': the marketplace gives figures, not listings (SeatGeek, Ticketmaster, StubHub without Pro). */
  kind: 'listings' | 'summary';
  /** Listings that scrape stored (0 for a summary). */
  listings: number;
}

/**
 * One statement: the latest scrape per marketplace (as buildLatestListingsQuery picks it: newest
 * captured_at, then highest id), LEFT JOINed to ALL its listings, so a marketplace whose latest
 * scrape holds no listing still gives one row (listing columns null). The LATERAL is fenced with
 * OFFSET 0 for the reason latest.ts gives (rows looked up per scrape by time and scrape_ref).
 */
export function buildOfferedListingsQuery(eventId: number): BuiltQuery {
  return {
    text: `WITH latest AS (
             SELECT DISTINCT ON (marketplace) id, marketplace, captured_at, kind FROM scrapes
              WHERE event_id = $1 ORDER BY marketplace, captured_at DESC, id DESC
           )
           SELECT l.marketplace, l.captured_at AS scrape_captured_at, l.kind, x.listing_id, x.zone, x.section, x.seat_row,
                  x.quantity, x.splits, x.base_price, x.all_in_price, x.currency
             FROM latest l
             LEFT JOIN LATERAL (SELECT * FROM listings y WHERE y.captured_at = l.captured_at AND y.scrape_ref = l.id OFFSET 0) x ON true
            ORDER BY l.marketplace, x.listing_id`,
    values: [eventId],
  };
}

/** A listings row as the readers of offered listings select it (the columns of OfferedListing). */
export interface OfferedListingRow {
  marketplace: string;
  listing_id: string;
  zone: string | null;
  section: string | null;
  seat_row: string | null;
  quantity: number | null;
  splits: number[] | null;
  base_price: string | null;
  all_in_price: string | null;
  currency: string | null;
}

/** A listings row as an OfferedListing (prices as numbers; the seller's net proceeds are never read). */
export function offeredListingOf(r: OfferedListingRow): OfferedListing {
  return {
    marketplace: r.marketplace,
    listingId: r.listing_id,
    zone: r.zone ?? '',
    section: r.section ?? '',
    row: r.seat_row,
    quantity: r.quantity ?? 0,
    splits: r.splits ?? [],
    basePrice: num(r.base_price),
    allInPrice: num(r.all_in_price),
    currency: (r.currency ?? '').trim(),
  };
}

/** A row of buildOfferedListingsQuery: the scrape, and one of its listings (listing_id null when it has none). */
type OfferedRaw = Omit<OfferedListingRow, 'listing_id'> & {
  scrape_captured_at: Date;
  kind: 'listings' | 'summary';
  listing_id: string | null;
};

/**
 * The listings of the latest scrape of every marketplace of the event, and those scrapes. The
 * seller's net proceeds are not read: they are never a buyer's price (price-basis.ts).
 */
export async function offeredListingsOfEvent(db: Queryable, eventId: number): Promise<OfferedListingsOfEvent> {
  const b = buildOfferedListingsQuery(eventId);
  const res = await db.query<OfferedRaw>(b.text, b.values);
  const listings: OfferedListing[] = [];
  const scrapes = new Map<string, LatestScrapeOfMarketplace>();
  for (const r of res.rows) {
    let s = scrapes.get(r.marketplace);
    if (!s) scrapes.set(r.marketplace, (s = { marketplace: r.marketplace, capturedAt: r.scrape_captured_at, kind: r.kind, listings: 0 }));
    if (r.listing_id === null) continue;
    s.listings++;
    // listing_id is not null here: the row is a listing's (no copy per row on this read's path).
    listings.push(offeredListingOf(r as OfferedListingRow));
  }
  return { listings, scrapes: [...scrapes.values()] };
}

/** The cheapest seats together of one event on a basis, per currency, with the distinct supply (see cheapestSeatsOfEvent). */
export interface CheapestSeatsOfEvent {
  basis: PriceBasis;
  seats: number[];
  /** One comparison per currency (never mixed), the currency with the most listings first. */
  together: { currency: string; sizes: ReturnType<typeof cheapestTogetherForSizes> }[];
  /** Listings and tickets on offer, with the same seats on several marketplaces counted once (docs/prices.md). */
  supply: DistinctSupply;
  scrapes: LatestScrapeOfMarketplace[];
  /** Marketplaces whose latest scrape gave no listings (summary-only ones, or none found): not in the figures. */
  withoutListings: { marketplace: string; kind: 'listings' | 'summary'; capturedAt: Date }[];
}

/**
 * The cheapest way to buy each number of `seats` together for the event, across the latest
 * scrape of every marketplace, on `basis`: what the CLI's `together` and GET
 * /api/events/EVENT/together answer. Two statements' worth of work: one read (offeredListingsOfEvent),
 * then pure figures (cheapestTogetherForSizes, distinctSupply).
 */
export async function cheapestSeatsOfEvent(
  db: Queryable,
  eventId: number,
  seats: readonly number[],
  basis: PriceBasis,
): Promise<CheapestSeatsOfEvent> {
  const offered = await offeredListingsOfEvent(db, eventId);
  const perCurrency = new Map<string, number>();
  for (const l of offered.listings) perCurrency.set(l.currency, (perCurrency.get(l.currency) ?? 0) + 1);
  const currencies = [...perCurrency].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
  return {
    basis,
    seats: [...seats],
    together: currencies.map((currency) => ({ currency, sizes: cheapestTogetherForSizes(offered.listings, seats, basis, currency) })),
    supply: distinctSupply(offered.listings),
    scrapes: offered.scrapes,
    withoutListings: offered.scrapes
      .filter((s) => s.listings === 0)
      .map((s) => ({ marketplace: s.marketplace, kind: s.kind, capturedAt: s.capturedAt })),
  };
}
