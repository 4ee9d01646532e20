import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FetchedPrices, NormalizedListing } from '../../src/domain/listing';
import type { OfferedListing } from '../../src/domain/together';
import { parseStubHubCompListings } from '../../src/marketplaces/stubhub/adapter';
import { parseVividSeatsListings } from '../../src/marketplaces/vividseats/adapter';

/**
 * Real captures (test/fixtures/marketplaces, origins in its README) parsed by the product's own
 * parsers and mapped to OfferedListing, for the tests of cheapestTogether and distinctSupply.
 */

const FIXTURES = path.join(__dirname, '../fixtures/marketplaces');

/** Reads a fixture under test/fixtures/marketplaces. */
export function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as unknown;
}

/** The fields of a parsed listing these tests read. */
type ParsedListing = Pick<
  NormalizedListing,
  'listingId' | 'zone' | 'section' | 'row' | 'quantity' | 'splits' | 'allInPrice' | 'basePrice' | 'currency'
>;

/**
 * A parsed listing as an OfferedListing. StubHub's comparable listings give no price before fees
 * (the parser's basePrice is null; their seller's net proceeds are never a buyer's price).
 */
export function toOffered(marketplace: string, l: ParsedListing): OfferedListing {
  return {
    marketplace,
    listingId: l.listingId,
    zone: l.zone,
    section: l.section,
    row: l.row,
    quantity: l.quantity,
    splits: l.splits,
    allInPrice: l.allInPrice,
    basePrice: l.basePrice,
    currency: l.currency,
  };
}

function listingsOf(fetched: FetchedPrices): ParsedListing[] {
  assert.equal(fetched.kind, 'listings');
  return fetched.kind === 'listings' ? fetched.listings : [];
}

/** A Vivid Seats listings payload (a fixture name or the payload itself), parsed by parseVividSeatsListings. */
export function vividSeats(payload: unknown, marketplace = 'vividseats'): OfferedListing[] {
  const raw = typeof payload === 'string' ? readFixture(payload) : payload;
  return listingsOf(parseVividSeatsListings(raw)).map((l) => toOffered(marketplace, l));
}

/** A StubHub Pro comparable-listings payload (a fixture name or the payload itself), parsed by parseStubHubCompListings. */
export function stubHub(payload: unknown): OfferedListing[] {
  const raw = typeof payload === 'string' ? readFixture(payload) : payload;
  return listingsOf(parseStubHubCompListings(raw)).map((l) => toOffered('stubhub', l));
}

/** One ticket of a Vivid Seats listings payload, with the keys these tests read (values as captured: text). */
export interface VividSeatsTicket {
  i: string;
  s: string;
  r: string;
  q: string;
  p: string;
  allInPricePerTicket: string;
  m: string;
  [key: string]: unknown;
}
export interface VividSeatsPayload {
  tickets: VividSeatsTicket[];
  [key: string]: unknown;
}

/** The Vivid Seats capture trial/vs_real18.json (18 real listings), as a payload to copy or change. */
export function vividSeatsCapture(): VividSeatsPayload {
  return readFixture('trial/vs_real18.json') as VividSeatsPayload;
}

/**
 * StubHub's all-in price over the seller's net proceeds in the comparable-listings capture
 * (stubhub/comp-listings.json, listing 7421193302: 289.17 / 212.40): what StubHub's fees add to
 * what a seller asks.
 */
export const STUBHUB_ALL_IN_OVER_NET = 289.17 / 212.4;

/**
 * The same seats as these Vivid Seats tickets, listed on StubHub the way a seller lists them
 * there: same section, row and quantity, asking the same amount (Vivid Seats `p` as StubHub's net
 * proceeds) with StubHub's fees on top (all-in = ask × STUBHUB_ALL_IN_OVER_NET, rounded to cents),
 * as a comparable-listings payload in the capture's layout. `allIn` overrides a ticket's all-in
 * price by its Vivid Seats id (to place it far from, or right at, the tolerance).
 */
export function mirroredOnStubHub(tickets: readonly VividSeatsTicket[], allIn: Record<string, number> = {}): unknown[] {
  return tickets.map((t, k) => {
    const ask = Number(t.p);
    const amt = allIn[t.i] ?? Math.round(ask * STUBHUB_ALL_IN_OVER_NET * 100) / 100;
    return {
      listingId: 7421190001 + k,
      section: t.s,
      row: t.r,
      availableTickets: Number(t.q),
      sellerNetProceeds: { amt: ask, disp: `$${ask.toFixed(2)}`, dec: 2 },
      sellerAllInPrice: { amt, disp: `$${amt.toFixed(2)}`, dec: 2 },
      currencyCode: 'USD',
    };
  });
}

/** The tickets of the Vivid Seats capture with these ids, in the capture's order. */
export function ticketsById(payload: VividSeatsPayload, ...ids: string[]): VividSeatsTicket[] {
  const found = payload.tickets.filter((t) => ids.includes(t.i));
  assert.equal(found.length, ids.length, `tickets ${ids.join(', ')} in the capture`);
  return found;
}
