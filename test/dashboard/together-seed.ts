import type { Db } from '../../src/db/pool';
import type { FetchedPrices } from '../../src/domain/listing';
import { parseSeatGeekEvent } from '../../src/marketplaces/seatgeek/adapter';
import { parseStubHubCompListings } from '../../src/marketplaces/stubhub/adapter';
import { parseVividSeatsListings } from '../../src/marketplaces/vividseats/adapter';
import { persistScrape } from '../../src/scrape/store';
import { makeListings } from '../fixtures/db/data';
import { mirroredOnStubHub, readFixture, ticketsById, vividSeatsCapture } from '../helpers/offered-listings';

/**
 * One event's latest scrapes built from real captures (test/fixtures/marketplaces, origins in its
 * README) by the product's own parsers, for the together route and the event page:
 *
 * - Vivid Seats: trial/vs_real18.json, its 18 listings (49 tickets), USD.
 * - StubHub: stubhub/comp-listings.json, whose parser keeps 3 of its 5 (one has no buyer price,
 *   one no net proceeds) and whose store keeps 2 (7421193390, priced in BRL, is not the scrape's
 *   currency: a scrape never mixes currencies): 7421193302 Floor 2 row 14, 4 tickets at 289.17
 *   all-in; 7421193318 Loge 134 (row hidden), 2 at 215.33. Plus the
 *   seats of Vivid Seats VT000012 (Promenade 334 row U, 4 tickets, 344.00 all-in there) listed on
 *   StubHub the way a seller does (mirroredOnStubHub: ask 255 × 289.17/212.40 = 347.17 all-in),
 *   listing 7421190001. StubHub gives no price before fees: base null on all four.
 * - SeatGeek: seatgeek/event.json, a summary (no listings).
 *
 * An older StubHub scrape (an hour before) holds generated listings from $20, none of which may
 * count: only the latest scrape per marketplace does.
 *
 * The figures these give, worked by hand (TOGETHER_FIGURES):
 *  all-in, USD: 1 seat: StubHub 7421193318 at 215.33 (Vivid Seats' cheapest for 1 is 240.00);
 *               2 seats: the same listing, 215.33 × 2 = 430.66 (Vivid Seats: VT000003 297 × 2 = 594.00);
 *               4 seats: StubHub 7421193302, 289.17 × 4 = 1156.68 (Vivid Seats: VT000009 337 × 4 = 1348.00;
 *               the mirrored listing 347.17 × 4 = 1388.68).
 *  base, USD:   1: VT000001 200.00; 2: VT000003 (2 tickets, splits 2) 220.35 × 2 = 440.70 (VT000001 has
 *               one ticket, VT000002 sells 1 or 3); 4: VT000009 (8 tickets, splits include 4)
 *               250.00 × 4 = 1000.00 (VT000012 255 × 4 = 1020.00); the 3 USD StubHub listings are left
 *               out (no price before fees).
 *  supply: Vivid Seats 18 listings / 49 tickets, StubHub 3 / 10 (4 + 2 + 4): 21 / 59; VT000012
 *          and 7421190001 are the same seats (same section, row, quantity, 344.00 and 347.17 within
 *          20%), counted once: 20 listings / 55 tickets, 1 listed on more than one marketplace.
 */
export async function storeTogetherCaptures(db: Db, eventId: number, at: Date): Promise<void> {
  const vs = vividSeatsCapture();
  const stubHubPayload = [...(readFixture('stubhub/comp-listings.json') as unknown[]), ...mirroredOnStubHub(ticketsById(vs, 'VT000012'))];
  const earlier = new Date(at.getTime() - 3_600_000);
  const scrapes: { marketplace: 'stubhub' | 'vividseats' | 'seatgeek'; capturedAt: Date; fetched: FetchedPrices }[] = [
    { marketplace: 'stubhub', capturedAt: earlier, fetched: { kind: 'listings', listings: makeListings(20, 99, 'old-'), skipped: [] } },
    { marketplace: 'vividseats', capturedAt: at, fetched: parseVividSeatsListings(vs) },
    { marketplace: 'stubhub', capturedAt: at, fetched: parseStubHubCompListings(stubHubPayload) },
    { marketplace: 'seatgeek', capturedAt: at, fetched: parseSeatGeekEvent(readFixture('seatgeek/event.json')) },
  ];
  for (const s of scrapes) {
    await persistScrape(db, {
      scrapeId: `together-test/${s.capturedAt.toISOString()}/${eventId}/${s.marketplace}`,
      eventId,
      marketplace: s.marketplace,
      capturedAt: s.capturedAt,
      fetched: s.fetched,
    });
  }
}

/** The hand-worked figures above. */
export const TOGETHER_FIGURES = {
  allInUsd: [
    { n: 1, total: 215.33, perTicket: 215.33, marketplace: 'stubhub', listingId: '7421193318', section: 'Loge 134', row: null },
    { n: 2, total: 430.66, perTicket: 215.33, marketplace: 'stubhub', listingId: '7421193318', section: 'Loge 134', row: null },
    { n: 4, total: 1156.68, perTicket: 289.17, marketplace: 'stubhub', listingId: '7421193302', section: 'Floor 2', row: '14' },
  ],
  baseUsd: [
    { n: 1, total: 200, perTicket: 200, marketplace: 'vividseats', listingId: 'VT000001' },
    { n: 2, total: 440.7, perTicket: 220.35, marketplace: 'vividseats', listingId: 'VT000003' },
    { n: 4, total: 1000, perTicket: 250, marketplace: 'vividseats', listingId: 'VT000009' },
  ],
} as const;
