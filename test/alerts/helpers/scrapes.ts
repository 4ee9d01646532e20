import { persistScrape } from '../../../src/scrape/store';
import type { Db } from '../../../src/db/pool';
import type { MarketplaceName, NormalizedListing } from '../../../src/domain/listing';

/** Listings with every price scaled by `factor` (a drop of 20 % is 0.8), rounded to cents. */
export const scaled = (listings: NormalizedListing[], factor: number): NormalizedListing[] =>
  listings.map((l) => ({
    ...l,
    basePrice: l.basePrice === null ? null : Math.round(l.basePrice * factor * 100) / 100,
    allInPrice: l.allInPrice === null ? null : Math.round(l.allInPrice * factor * 100) / 100,
  }));

/**
 * Stores one listings scrape of `eventId` on `marketplace`, captured `hoursAfterT0` hours after
 * `t0` (epoch ms), under the scrape id `cycle-<cycle>/<event>/<marketplace>`; returns that id.
 */
export async function storeScrape(
  db: Db,
  s: { eventId: number; marketplace: MarketplaceName; listings: NormalizedListing[]; t0: number; hoursAfterT0: number; cycle: number },
): Promise<string> {
  const scrapeId = `cycle-${s.cycle}/${s.eventId}/${s.marketplace}`;
  await persistScrape(db, {
    scrapeId,
    eventId: s.eventId,
    marketplace: s.marketplace,
    capturedAt: new Date(s.t0 + s.hoursAfterT0 * 3_600_000),
    fetched: { kind: 'listings', listings: s.listings, skipped: [] },
  });
  return scrapeId;
}
