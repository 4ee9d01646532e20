import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MARKETPLACE_NAMES, type FetchedPrices, type MarketplaceName, type NormalizedListing } from '../../src/domain/listing';
import type { FeeStructure } from '../../src/mock-marketplace/fees';
import { startMockMarketplace, type MockMarketplace } from '../../src/mock-marketplace/index';
import { ioOf } from '../../src/marketplaces/adapters';
import { SEATGEEK_EVENT_PATH } from '../../src/marketplaces/seatgeek/adapter';
import { SEATGEEK_MOCK_FEES } from '../../src/marketplaces/seatgeek/fees';
import { STUBHUB_PRO_LISTINGS_PATH } from '../../src/marketplaces/stubhub/adapter';
import { STUBHUB_MOCK_FEES } from '../../src/marketplaces/stubhub/fees';
import { TICKETMASTER_EVENT_PATH } from '../../src/marketplaces/ticketmaster/adapter';
import { TICKETMASTER_MOCK_FEES } from '../../src/marketplaces/ticketmaster/fees';
import { VIVIDSEATS_LISTINGS_PATH } from '../../src/marketplaces/vividseats/adapter';
import { VIVIDSEATS_MOCK_FEES } from '../../src/marketplaces/vividseats/fees';

const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 0, 5);
/** The seed `npm start` uses (MOCK_MARKETPLACE_SEED's default). */
const DEFAULT_SEED = 42;
/**
 * 40 events, each under the same id on every marketplace: the mock generates one market for an id,
 * so what differs between marketplaces here is only each one's price level and fees (the sample
 * catalog gives each marketplace its own id, whose markets differ far more).
 */
const EVENT_IDS = Array.from({ length: 40 }, (_, i) => String(5_100_000 + i * 7_919));

const FEES: Record<MarketplaceName, FeeStructure> = {
  stubhub: STUBHUB_MOCK_FEES,
  vividseats: VIVIDSEATS_MOCK_FEES,
  seatgeek: SEATGEEK_MOCK_FEES,
  ticketmaster: TICKETMASTER_MOCK_FEES,
};

/** Each marketplace's request for an event at the mock, as its adapter sends it (placeholder credentials). */
const REQUEST: Record<MarketplaceName, (id: string) => { path: string; headers?: Record<string, string> }> = {
  stubhub: (id) => ({ path: `${STUBHUB_PRO_LISTINGS_PATH}?viagogoEventId=${id}`, headers: { cookie: 'session=mock' } }),
  vividseats: (id) => ({ path: `${VIVIDSEATS_LISTINGS_PATH}?productionId=${id}` }),
  seatgeek: (id) => ({ path: `${SEATGEEK_EVENT_PATH}${id}?client_id=mock` }),
  ticketmaster: (id) => ({ path: `${TICKETMASTER_EVENT_PATH}${id}.json?apikey=mock` }),
};

/** A parsed listing's price before fees. */
const baseOf = (l: Pick<NormalizedListing, 'basePrice'>): number | null => l.basePrice;

interface Fetched {
  payload: unknown;
  parsed: FetchedPrices;
}

/** The lowest base and the lowest all-in the parsed answer gives (null where it gives none). */
function lowest(m: MarketplaceName, r: FetchedPrices): { base: number | null; allIn: number | null } {
  if (r.kind === 'summary') return { base: r.summary.lowest, allIn: r.summary.allInLowest ?? null };
  const min = (xs: (number | null)[]): number | null => (xs.length === 0 || xs.includes(null) ? null : Math.min(...(xs as number[])));
  return {
    // StubHub's Pro listings carry no buyer's base: its other figure is the seller net proceeds.
    base: m === 'stubhub' ? null : min(r.listings.map(baseOf)),
    allIn: min(r.listings.map((l) => l.allInPrice)),
  };
}

/** The marketplace at the minimum of `key` (the first of a tie). */
function cheapest<T>(xs: readonly (readonly [MarketplaceName, T])[], key: (x: T) => number): readonly [MarketplaceName, T] {
  return xs.reduce((a, b) => (key(b[1]) < key(a[1]) ? b : a));
}

/** SeatGeek gives whole dollars: two figures closer than this may be in either order. */
const ROUNDING = 0.5;

/** What the declared structure makes of a base, unrounded. */
const expectedAllIn = (base: number, fees: FeeStructure): number => base * (1 + fees.buyerPercent) + fees.buyerFixedPerTicket;

describe("the mock marketplace's fees: each marketplace its own structure", () => {
  let mock: MockMarketplace;
  const fetched = new Map<string, Fetched>();
  const at = (m: MarketplaceName, id: string): Fetched => fetched.get(`${m}/${id}`)!;

  before(async () => {
    mock = await startMockMarketplace({ port: 0, seed: DEFAULT_SEED, now: () => EPOCH + DAY, epochMs: EPOCH });
    for (const id of EVENT_IDS)
      for (const m of MARKETPLACE_NAMES) {
        const { path, headers } = REQUEST[m](id);
        const res = await fetch(`${mock.url}${path}`, { headers });
        assert.equal(res.status, 200, `${m} ${id}`);
        const payload = (await res.json()) as unknown;
        fetched.set(`${m}/${id}`, { payload, parsed: ioOf(m).parse(payload) });
      }
  });
  after(async () => {
    await mock.close();
  });

  it('declares a different structure for every marketplace (percent and fixed amount)', () => {
    const structures = MARKETPLACE_NAMES.map((m) => FEES[m]);
    assert.equal(new Set(structures.map((f) => f.buyerPercent)).size, structures.length);
    assert.equal(new Set(structures.map((f) => f.buyerFixedPerTicket)).size, structures.length);
    for (const f of structures) assert.ok(f.buyerPercent > 0 && f.buyerFixedPerTicket > 0);
  });

  it('every all-in is above its base, and StubHub seller net proceeds are below the all-in', () => {
    let listings = 0;
    for (const id of EVENT_IDS) {
      for (const m of MARKETPLACE_NAMES) {
        const { parsed, payload } = at(m, id);
        assert.deepEqual(parsed.skipped, [], `${m} ${id}`);
        if (parsed.kind === 'summary') {
          const s = parsed.summary;
          assert.ok(s.lowest !== null && s.allInLowest != null && s.allInLowest > s.lowest, `${m} ${id}: lowest`);
          if (s.highest !== null && s.allInHighest != null) assert.ok(s.allInHighest > s.highest, `${m} ${id}: highest`);
          continue;
        }
        assert.ok(parsed.listings.length > 0, `${m} ${id} has listings`);
        const rows = m === 'stubhub' ? (payload as { listingId: number; sellerNetProceeds: { amt: number } }[]) : [];
        const nets = new Map(rows.map((l) => [String(l.listingId), l.sellerNetProceeds.amt]));
        for (const l of parsed.listings) {
          listings++;
          assert.ok(l.allInPrice !== null, `${m} ${l.listingId}: all-in given`);
          if (m === 'stubhub') assert.ok(nets.get(l.listingId)! < l.allInPrice, `${l.listingId}: net below all-in`);
          else assert.ok(l.allInPrice > baseOf(l)!, `${m} ${l.listingId}: all-in above base`);
        }
      }
    }
    assert.ok(listings > 1000, `${listings} listings`);
  });

  it("each marketplace's all-in follows its own declared structure", () => {
    for (const id of EVENT_IDS) {
      // Vivid Seats: `aip` = p × (1 + percent) + fixed, to the cent.
      const vivid = at('vividseats', id).parsed;
      assert.equal(vivid.kind, 'listings');
      if (vivid.kind === 'listings')
        for (const l of vivid.listings)
          assert.ok(Math.abs(l.allInPrice! - expectedAllIn(baseOf(l)!, VIVIDSEATS_MOCK_FEES)) <= 0.0051, `vividseats ${l.listingId}`);

      // StubHub: the base is not in the format; net = base × (1 − seller percent), so the all-in is
      // net / (1 − seller percent) × (1 + percent) + fixed, within the net's rounding to the cent.
      const stub = at('stubhub', id);
      const s = STUBHUB_MOCK_FEES;
      const ratio = (1 + s.buyerPercent) / (1 - s.sellerPercent!);
      const rows = stub.payload as { listingId: number; sellerNetProceeds: { amt: number }; sellerAllInPrice: { amt: number } }[];
      assert.equal(stub.parsed.kind, 'listings');
      const stubListings = stub.parsed.kind === 'listings' ? stub.parsed.listings : [];
      for (const r of rows) {
        const listing = stubListings.find((l) => l.listingId === String(r.listingId));
        assert.equal(listing?.allInPrice, r.sellerAllInPrice.amt, `stubhub ${r.listingId}: the parsed all-in`);
        const fromNet = r.sellerNetProceeds.amt * ratio + s.buyerFixedPerTicket;
        assert.ok(Math.abs(r.sellerAllInPrice.amt - fromNet) <= 0.005 * ratio + 0.0051, `stubhub ${r.listingId}`);
      }

      // SeatGeek: whole dollars, so the lowest all-in is the lowest base's within a dollar's rounding.
      const sg = at('seatgeek', id).parsed;
      assert.equal(sg.kind, 'summary');
      if (sg.kind === 'summary') {
        const slack = 0.5 * (1 + SEATGEEK_MOCK_FEES.buyerPercent) + 0.5;
        assert.ok(Math.abs(sg.summary.allInLowest! - expectedAllIn(sg.summary.lowest!, SEATGEEK_MOCK_FEES)) <= slack, `seatgeek ${id}`);
      }

      // Ticketmaster: "standard including fees" is "standard" (face value) with its fees, to the cent.
      const tm = at('ticketmaster', id).parsed;
      assert.equal(tm.kind, 'summary');
      if (tm.kind === 'summary') {
        const { lowest: lo, highest: hi, allInLowest, allInHighest } = tm.summary;
        assert.ok(Math.abs(allInLowest! - expectedAllIn(lo!, TICKETMASTER_MOCK_FEES)) <= 0.0051, `ticketmaster ${id}: min`);
        assert.ok(Math.abs(allInHighest! - expectedAllIn(hi!, TICKETMASTER_MOCK_FEES)) <= 0.0051, `ticketmaster ${id}: max`);
      }
    }
  });

  it('for some events the resale marketplace cheapest all-in is not the one cheapest before fees', () => {
    let differs = 0;
    const baseCheapest = new Set<MarketplaceName>();
    for (const id of EVENT_IDS) {
      // Among the marketplaces that give both a base and an all-in for the event's resale tickets:
      // Ticketmaster's ranges are its primary sale's face values, which the generated resale asks
      // are above for nearly every event, fees or not, so it would decide nothing here.
      const both = MARKETPLACE_NAMES.filter((m) => m !== 'ticketmaster')
        .map((m) => [m, lowest(m, at(m, id).parsed)] as const)
        .filter(([, p]) => p.base !== null && p.allIn !== null);
      assert.ok(both.length >= 2, `${id}: ${both.length} marketplaces give both`);
      const byBase = cheapest(both, (p) => p.base!);
      const byAllIn = cheapest(both, (p) => p.allIn!);
      baseCheapest.add(byBase[0]);
      // A different marketplace, and the order really swapped (not an artefact of whole dollars).
      if (byAllIn[0] !== byBase[0] && byAllIn[1].base! - byBase[1].base! > ROUNDING && byBase[1].allIn! - byAllIn[1].allIn! > ROUNDING)
        differs++;
    }
    assert.ok(differs >= 1, `${differs} of ${EVENT_IDS.length} events`);
    assert.ok(differs < EVENT_IDS.length / 2, `${differs} of ${EVENT_IDS.length} events: mostly the fees keep the order`);
    assert.ok(baseCheapest.size >= 2, `the cheapest before fees varies: ${[...baseCheapest].join(', ')}`);
  });
});
