import { countSkipped, SUMMARY_ZONE, type FetchedPrices, type MarketplaceName } from '../domain/listing';
import { assessScrape, DEFAULT_SCRAPE_HEALTH, type ScrapeHealthSettings } from '../domain/scrape-health';
import { DEFAULT_PRICE_BASIS, priceOn, type PriceBasis } from '../domain/price-basis';
import { computeSnapshots, dominantCurrency, type SnapshotMetrics } from '../domain/snapshot';

/**
 * What a parsed payload comes to, for `ticket-tracker marketplaces parse` and `marketplaces probe`: the
 * counts (items, parsed, skipped by reason, what the marketplace declares) and the event-level
 * figures computed exactly as a scrape's snapshot is (listings in a second currency left out and
 * counted, as storage does). Pure.
 */
export interface ParseReport {
  marketplace: MarketplaceName;
  kind: 'listings' | 'summary';
  /** Listing items in the payload (parsed + skipped); null for a summary. */
  items: number | null;
  parsed: number | null;
  skipped: number;
  skippedByReason: { kind: string; count: number }[];
  declaredListings: number | null;
  declaredTickets: number | null;
  currency: string | null;
  /** Listings left out of the figures because they are priced in another currency than `currency`. */
  otherCurrency: number;
  /** The price basis of every figure below (price-basis.ts): all-in unless asked otherwise. */
  basis: PriceBasis;
  /**
   * Listings (in `currency`) that give no price on `basis`: left out of the figures, never priced
   * on the other basis instead (StubHub's listings have no base price; some Vivid Seats tickets hide
   * the all-in). Null for a summary.
   */
  noPriceOnBasis: number | null;
  /** Per ticket, on `basis`. */
  lowest: number | null;
  highest: number | null;
  average: number | null;
  /** Lowest total for 2 (4) tickets bought together from one listing, respecting splits, on `basis`. */
  lowestFor2: number | null;
  lowestFor4: number | null;
  tickets: number | null;
  /** What a scrape of this payload would be recorded as: 'ok', or 'format-drift' with the reason. */
  health: string;
  /** True when health is 'ok' (`marketplaces parse` exits 2 otherwise). */
  healthy: boolean;
  /** Fields the real format always carries that the payload lacks (each makes it format drift). */
  missing: { path: string; reason: string }[];
  /** Figures written as the format's placeholder for "hidden" (a 0): stored as null, with the reason; not drift. */
  notGiven: { path: string; reason: string }[];
  /** The event's status as the payload states it (Ticketmaster `dates.status.code`); null when it states none. */
  eventStatus: string | null;
  /** The start the payload gives with its status (a rescheduled event takes it); null when none. */
  eventStartsAt: string | null;
}

export function describeParse(
  marketplace: MarketplaceName,
  fetched: FetchedPrices,
  settings: ScrapeHealthSettings = DEFAULT_SCRAPE_HEALTH,
  basis: PriceBasis = DEFAULT_PRICE_BASIS,
): ParseReport {
  const parsed = fetched.kind === 'listings' ? fetched.listings.length : 0;
  const assessed = assessScrape(
    {
      kind: fetched.kind,
      items: fetched.items ?? (fetched.kind === 'listings' ? parsed + fetched.skipped.length : 0),
      parsed,
      stored: parsed,
      skipped: fetched.skipped,
      declared: fetched.declared,
      missing: fetched.missing,
      previousStored: null,
    },
    settings,
  );
  const health = assessed.reason ? `${assessed.status}: ${assessed.reason.replace(/^format drift: /, '')}` : assessed.status;
  const base = {
    marketplace,
    kind: fetched.kind,
    skipped: fetched.skipped.length,
    skippedByReason: countSkipped(fetched.skipped),
    declaredListings: fetched.declared?.listings ?? null,
    declaredTickets: fetched.declared?.tickets ?? null,
    healthy: assessed.status === 'ok',
    missing: (fetched.missing ?? []).map(({ path, reason }) => ({ path, reason })),
    notGiven: (fetched.notGiven ?? []).map(({ path, reason }) => ({ path, reason })),
    eventStatus: fetched.eventStatus?.status ?? null,
    eventStartsAt: fetched.eventStatus?.startsAt ?? null,
    basis,
  };
  if (fetched.kind === 'summary') {
    const s = fetched.summary;
    return {
      ...base,
      items: null,
      parsed: null,
      currency: s.currency,
      otherCurrency: 0,
      noPriceOnBasis: null,
      lowest: basis === 'all-in' ? (s.allInLowest ?? null) : s.lowest,
      highest: basis === 'all-in' ? (s.allInHighest ?? null) : s.highest,
      average: basis === 'all-in' ? (s.allInAverage ?? null) : s.average,
      lowestFor2: null,
      lowestFor4: null,
      tickets: s.ticketCount,
      declaredListings: base.declaredListings ?? s.listingCount,
      health,
    };
  }
  const currency = dominantCurrency(fetched.listings);
  const same = fetched.listings.filter((l) => l.currency === currency);
  const event: SnapshotMetrics | undefined = computeSnapshots(same).find((r) => r.zone === SUMMARY_ZONE && r.section === '');
  const all = basis === 'all-in';
  return {
    ...base,
    items: fetched.items ?? fetched.listings.length + fetched.skipped.length,
    parsed: fetched.listings.length,
    currency,
    otherCurrency: fetched.listings.length - same.length,
    noPriceOnBasis: same.filter((l) => priceOn(l, basis) === null).length,
    lowest: (all ? event?.allInLowestPrice : event?.lowestPrice) ?? null,
    highest: (all ? event?.allInHighestPrice : event?.highestPrice) ?? null,
    average: (all ? event?.allInAveragePrice : event?.averagePrice) ?? null,
    lowestFor2: (all ? event?.allInLowestPrice2 : event?.lowestPrice2) ?? null,
    lowestFor4: (all ? event?.allInLowestPrice4 : event?.lowestPrice4) ?? null,
    tickets: event?.totalTickets ?? null,
    health,
  };
}
