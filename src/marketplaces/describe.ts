import { countSkipped, SUMMARY_ZONE, type FetchedPrices, type MarketplaceName } from '../domain/listing';
import { assessScrape, DEFAULT_SCRAPE_HEALTH, type ScrapeHealthSettings } from '../domain/scrape-health';
import { computeSnapshots, dominantCurrency, roundCents, type SnapshotMetrics } from '../domain/snapshot';

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
  lowest: number | null;
  highest: number | null;
  average: number | null;
  /** Lowest total for 2 (4) tickets bought together, respecting splits. */
  lowestFor2: number | null;
  lowestFor4: number | null;
  tickets: number | null;
  /** Buyer's price with fees (see normalizedListingSchema): lowest, average, highest per ticket. */
  allInLowest: number | null;
  allInAverage: number | null;
  allInHighest: number | null;
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
  };
  if (fetched.kind === 'summary') {
    const s = fetched.summary;
    return {
      ...base,
      items: null,
      parsed: null,
      currency: s.currency,
      otherCurrency: 0,
      lowest: s.lowest,
      highest: s.highest,
      average: s.average,
      lowestFor2: null,
      lowestFor4: null,
      tickets: s.ticketCount,
      declaredListings: base.declaredListings ?? s.listingCount,
      allInLowest: s.allInLowest ?? null,
      allInAverage: s.allInAverage ?? null,
      allInHighest: s.allInHighest ?? null,
      health,
    };
  }
  const currency = dominantCurrency(fetched.listings);
  const same = fetched.listings.filter((l) => l.currency === currency);
  const event: SnapshotMetrics | undefined = computeSnapshots(same).find((r) => r.zone === SUMMARY_ZONE && r.section === '');
  const allIn = same.map((l) => l.allInPrice).filter((v): v is number => v !== null);
  return {
    ...base,
    items: fetched.items ?? fetched.listings.length + fetched.skipped.length,
    parsed: fetched.listings.length,
    currency,
    otherCurrency: fetched.listings.length - same.length,
    lowest: event?.lowestPrice ?? null,
    highest: event?.highestPrice ?? null,
    average: event?.averagePrice ?? null,
    lowestFor2: event?.lowestPrice2 ?? null,
    lowestFor4: event?.lowestPrice4 ?? null,
    tickets: event?.totalTickets ?? null,
    // reduce, not Math.min(...allIn): spreading 130,000 listings into arguments overflows the stack.
    allInLowest: allIn.length > 0 ? allIn.reduce((a, b) => Math.min(a, b)) : null,
    allInAverage: allIn.length > 0 ? roundCents(allIn.reduce((a, b) => a + b, 0) / allIn.length) : null,
    allInHighest: allIn.length > 0 ? allIn.reduce((a, b) => Math.max(a, b)) : null,
    health,
  };
}
