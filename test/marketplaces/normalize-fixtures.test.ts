import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type FetchedPrices } from '../../src/domain/listing';
import { PayloadShapeError } from '../../src/marketplaces/errors';
import { parseSeatGeekEvent } from '../../src/marketplaces/seatgeek/adapter';
import {
  STUBHUB_UNZONED,
  parseStubHubCatalogEvent,
  parseStubHubCompListings,
  parseStubHubPayload,
} from '../../src/marketplaces/stubhub/adapter';
import { parseTicketmasterEvent } from '../../src/marketplaces/ticketmaster/adapter';

const fixture = (marketplace: string, name: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'marketplaces', marketplace, name), 'utf8')) as unknown;

function listings(r: FetchedPrices) {
  assert.equal(r.kind, 'listings');
  return r.kind === 'listings' ? r.listings : [];
}
function summary(r: FetchedPrices) {
  assert.equal(r.kind, 'summary');
  if (r.kind !== 'summary') throw new Error('not a summary');
  return r.summary;
}

describe('StubHub Pro comparable listings', () => {
  const result = parseStubHubCompListings(fixture('stubhub', 'comp-listings.json'));

  it("normalizes money objects: the all-in as all-in, the net proceeds as the seller's, no price before fees", () => {
    const ls = listings(result);
    assert.equal(ls.length, 4);
    assert.deepEqual(ls[0], {
      listingId: '7421193302',
      zone: STUBHUB_UNZONED,
      section: 'Floor 2',
      row: '14',
      quantity: 4,
      splits: [],
      basePrice: null,
      allInPrice: 289.17,
      sellerNetProceeds: 212.4,
      currency: 'USD',
    });
    assert.equal(ls[1]!.zone, 'Loge');
    assert.equal(ls[1]!.row, null);
    // The last listing gives no net proceeds: kept, the buyer's all-in is what matters.
    assert.deepEqual([ls[3]!.listingId, ls[3]!.allInPrice, ls[3]!.sellerNetProceeds], ['7421193391', 240, null]);
  });

  it("accepts any ISO 4217 currency the listing names, and skips a listing without the buyer's all-in price", () => {
    assert.equal(listings(result).length, 4);
    assert.equal(listings(result)[2]!.currency, 'BRL');
    assert.deepEqual(
      result.skipped.map((s) => [s.path, s.kind]),
      [['[2].sellerAllInPrice', "[].sellerAllInPrice: no buyer's price"]],
    );
  });

  it('skips a listing whose currency is not an ISO 4217 code', () => {
    const r = parseStubHubCompListings([
      { listingId: 1, section: 'A', availableTickets: 2, sellerNetProceeds: { amt: 10 }, currencyCode: 'US$' },
    ]);
    assert.deepEqual(
      r.skipped.map((s) => [s.path, s.kind]),
      [['[0].currencyCode', '[].currencyCode: not an ISO 4217 code']],
    );
  });

  it('reads the listings wrapped in an object too, with paths under listings', () => {
    const wrapped = parseStubHubCompListings({ eventId: 1, listings: fixture('stubhub', 'comp-listings.json') });
    assert.deepEqual(listings(wrapped), listings(result));
    assert.deepEqual(
      wrapped.skipped.map((s) => s.path),
      ['listings[2].sellerAllInPrice'],
    );
    assert.equal(parseStubHubPayload({ listings: [] }).kind, 'listings');
  });

  it('fails a payload that is neither at the root', () => {
    assert.throws(
      () => parseStubHubCompListings({ items: [] }),
      (err: unknown) => err instanceof PayloadShapeError && err.path === '',
    );
  });
});

describe('StubHub / viagogo Catalog event (HAL+JSON)', () => {
  it('keeps min_ticket_price on neither basis (its fees are not documented), says so, and counts the event on sale', () => {
    const r = parseStubHubCatalogEvent(fixture('stubhub', 'catalog-event.json'));
    assert.deepEqual(
      r.notGiven?.map((n) => [n.path, n.kind]),
      [['min_ticket_price.amount', 'min_ticket_price.amount: basis not documented']],
    );
    assert.match(r.notGiven![0]!.reason, /^142\.5 GBP: .*neither basis/);
    const s = summary(r);
    assert.deepEqual(s, {
      lowest: null,
      average: null,
      median: null,
      highest: null,
      listingCount: null,
      ticketCount: null,
      allInLowest: null,
      allInAverage: null,
      allInMedian: null,
      allInHighest: null,
      onSale: true,
      currency: 'GBP',
    });
  });
  it('has a null lowest price when there is no min_ticket_price', () => {
    assert.equal(summary(parseStubHubCatalogEvent(fixture('stubhub', 'catalog-event-no-price.json'))).lowest, null);
  });
  it('dispatches on the payload: array = Pro listings, object = Catalog event', () => {
    assert.equal(parseStubHubPayload(fixture('stubhub', 'comp-listings.json')).kind, 'listings');
    assert.equal(parseStubHubPayload(fixture('stubhub', 'catalog-event.json')).kind, 'summary');
  });
});

describe('SeatGeek event stats', () => {
  it('maps lowest_sg_base_price to the price before fees and the fee-inclusive figures to all-in', () => {
    const s = summary(parseSeatGeekEvent(fixture('seatgeek', 'event.json')));
    // SeatGeek gives no average, median or highest before fees: those stay empty, never filled with all-in figures.
    assert.deepEqual(s, {
      lowest: 74,
      average: null,
      median: null,
      highest: null,
      listingCount: 1284,
      ticketCount: null,
      allInLowest: 98,
      allInAverage: 312,
      allInMedian: 241,
      allInHighest: 4650,
      currency: 'USD',
    });
  });
  it('keeps nulls and missing figures as null, and records a zero price as not given (null), with its path', () => {
    const r = parseSeatGeekEvent(fixture('seatgeek', 'event-sparse-stats.json'));
    const s = summary(r);
    assert.equal(s.lowest, null);
    assert.equal(s.allInLowest, null);
    assert.equal(s.allInMedian, null);
    assert.equal(s.allInHighest, null);
    assert.equal(s.listingCount, 0);
    assert.equal(r.missing, undefined, 'median_price and lowest_sg_base_price are not in every capture');
    assert.deepEqual(r.skipped, []);
    assert.deepEqual(
      r.notGiven?.map((x) => x.path),
      ['stats.highest_price'],
    );
  });
  it('reports an event without stats as missing a field every capture carries (format drift), with empty figures', () => {
    const r = parseSeatGeekEvent(fixture('seatgeek', 'event-no-stats.json'));
    assert.equal(summary(r).lowest, null);
    assert.deepEqual(
      r.missing?.map((m) => m.path),
      ['stats'],
    );
  });
  it('fails when stats is not an object, naming the path and what it got', () => {
    for (const [stats, got] of [
      ['cheap', 'got "cheap"'],
      [[1, 2], 'got an array of 2'],
      [42, 'got 42'],
      [true, 'got true'],
    ] as const) {
      assert.throws(
        () => parseSeatGeekEvent({ id: 1, stats }),
        (err: unknown) =>
          err instanceof PayloadShapeError && err.path === 'stats' && err.reason.includes('not an object') && err.reason.includes(got),
        JSON.stringify(stats),
      );
    }
  });
  it('fails when a figure of stats is not a number, naming its path', () => {
    assert.throws(
      () => parseSeatGeekEvent({ id: 1, stats: { lowest_price: 'cheap' } }),
      (err: unknown) => err instanceof PayloadShapeError && err.path === 'stats.lowest_price',
    );
  });
});

describe('Ticketmaster Discovery event priceRanges', () => {
  it('keeps face value ("standard") and all-in ("standard including fees") apart', () => {
    const s = summary(parseTicketmasterEvent(fixture('ticketmaster', 'event.json')));
    assert.deepEqual(s, {
      lowest: 79,
      average: null,
      median: null,
      highest: 1450,
      listingCount: null,
      ticketCount: null,
      allInLowest: 96.35,
      allInAverage: null,
      allInMedian: null,
      allInHighest: 1702.2,
      currency: 'USD',
    });
  });
  it('never takes an all-in range for face value when only all-in is given', () => {
    const s = summary(
      parseTicketmasterEvent({ id: 'x', priceRanges: [{ type: 'standard including fees', currency: 'CZK', min: 1290, max: 3490 }] }),
    );
    assert.equal(s.lowest, null);
    assert.equal(s.highest, null);
    assert.equal(s.allInLowest, 1290);
    assert.equal(s.allInHighest, 3490);
    assert.equal(s.currency, 'CZK');
  });
  it('never picks one of two currencies by order: no figure is kept and every range is skipped with the reason', () => {
    for (const order of [
      ['ZAR', 'USD'],
      ['USD', 'ZAR'],
    ]) {
      const r = parseTicketmasterEvent({
        id: 'x',
        priceRanges: [
          { type: 'standard', currency: order[0], min: 450, max: 2200 },
          { type: 'standard', currency: order[1], min: 20, max: 90 },
        ],
      });
      const s = summary(r);
      assert.deepEqual([s.lowest, s.highest], [null, null]);
      assert.deepEqual(
        r.skipped.map((x) => x.path),
        ['priceRanges[0].currency', 'priceRanges[1].currency'],
      );
      assert.match(r.skipped[0]!.reason, /cannot be told/);
    }
  });
  it('reads a currency code written in lower case as the standard spells it', () => {
    assert.equal(
      summary(parseTicketmasterEvent({ id: 'x', priceRanges: [{ type: 'standard', currency: 'aed', min: 95, max: 450 }] })).currency,
      'AED',
    );
  });
  it('fails on a currency that is not an ISO 4217 code, naming the field', () => {
    assert.throws(
      () => parseTicketmasterEvent({ id: 'x', priceRanges: [{ type: 'standard', currency: 'DOLLARS', min: 1, max: 2 }] }),
      (err: unknown) => err instanceof PayloadShapeError && err.path === 'priceRanges[0].currency',
    );
  });
  it('gives an all-null summary when priceRanges is absent', () => {
    const s = summary(parseTicketmasterEvent(fixture('ticketmaster', 'event-no-price-ranges.json')));
    assert.equal(s.lowest, null);
    assert.equal(s.highest, null);
  });
  it('fails when priceRanges is not an array, naming the path', () => {
    assert.throws(
      () => parseTicketmasterEvent({ id: 'x', priceRanges: { min: 1 } }),
      (err: unknown) => err instanceof PayloadShapeError && err.path === 'priceRanges',
    );
  });
});
