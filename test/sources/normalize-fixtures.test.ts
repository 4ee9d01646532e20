import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type FetchedPrices } from '../../src/domain/listing';
import { PayloadShapeError } from '../../src/sources/errors';
import { parseSeatGeekEvent } from '../../src/sources/marketplaces/seatgeek/adapter';
import { STUBHUB_UNZONED, parseStubHubCatalogEvent, parseStubHubCompListings, parseStubHubPayload } from '../../src/sources/marketplaces/stubhub/adapter';
import { parseTicketmasterEvent } from '../../src/sources/marketplaces/ticketmaster/adapter';

const fixture = (marketplace: string, name: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'sources', marketplace, name), 'utf8')) as unknown;

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

  it('normalizes money objects: net proceeds as price, all-in as all-in', () => {
    const ls = listings(result);
    assert.equal(ls.length, 4);
    assert.deepEqual(ls[0], {
      listingId: '7421193302', zone: STUBHUB_UNZONED, section: 'Floor 2', row: '14', quantity: 4, splits: [], pricePerTicket: 212.4, allInPrice: 289.17, currency: 'USD',
    });
    assert.equal(ls[1]!.zone, 'Loge');
    assert.equal(ls[1]!.row, null);
    assert.equal(ls[2]!.allInPrice, null);
  });

  it('accepts any ISO 4217 currency the listing names, and skips a listing without net proceeds', () => {
    assert.equal(listings(result).length, 4);
    assert.equal(listings(result)[3]!.currency, 'BRL');
    assert.deepEqual(result.skipped.map((s) => s.path), ['[4].sellerNetProceeds']);
  });

  it('skips a listing whose currency is not an ISO 4217 code', () => {
    const r = parseStubHubCompListings([{ listingId: 1, section: 'A', availableTickets: 2, sellerNetProceeds: { amt: 10 }, currencyCode: 'US$' }]);
    assert.deepEqual(r.skipped.map((s) => [s.path, s.kind]), [['[0].currencyCode', '[].currencyCode: not an ISO 4217 code']]);
  });

  it('reads the listings wrapped in an object too, with paths under listings', () => {
    const wrapped = parseStubHubCompListings({ eventId: 1, listings: fixture('stubhub', 'comp-listings.json') });
    assert.deepEqual(listings(wrapped), listings(result));
    assert.deepEqual(wrapped.skipped.map((s) => s.path), ['listings[4].sellerNetProceeds']);
    assert.equal(parseStubHubPayload({ listings: [] }).kind, 'listings');
  });

  it('fails a payload that is neither at the root', () => {
    assert.throws(() => parseStubHubCompListings({ items: [] }), (err: unknown) => err instanceof PayloadShapeError && err.path === '');
  });
});

describe('StubHub / viagogo Catalog event (HAL+JSON)', () => {
  it('gives a summary from min_ticket_price in its currency', () => {
    const s = summary(parseStubHubCatalogEvent(fixture('stubhub', 'catalog-event.json')));
    assert.deepEqual(s, { lowest: 142.5, average: null, median: null, highest: null, listingCount: null, ticketCount: null, allInLowest: null, allInHighest: null, currency: 'GBP' });
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
  it('maps every figure', () => {
    const s = summary(parseSeatGeekEvent(fixture('seatgeek', 'event.json')));
    assert.deepEqual(s, { lowest: 98, average: 312, median: 241, highest: 4650, listingCount: 1284, ticketCount: null, allInLowest: null, allInHighest: null, currency: 'USD' });
  });
  it('keeps nulls and missing figures as null, and skips a zero price with its path', () => {
    const r = parseSeatGeekEvent(fixture('seatgeek', 'event-sparse-stats.json'));
    const s = summary(r);
    assert.equal(s.lowest, null);
    assert.equal(s.median, null);
    assert.equal(s.highest, null);
    assert.equal(s.listingCount, 0);
    assert.deepEqual(r.skipped.map((x) => x.path), ['stats.highest_price']);
  });
  it('accepts an event with no stats at all', () => {
    assert.equal(summary(parseSeatGeekEvent(fixture('seatgeek', 'event-no-stats.json'))).lowest, null);
  });
  it('fails when stats is not an object, naming the path', () => {
    assert.throws(() => parseSeatGeekEvent({ id: 1, stats: { lowest_price: 'cheap' } }), (err: unknown) => err instanceof PayloadShapeError && err.path === 'stats.lowest_price');
  });
});

describe('Ticketmaster Discovery event priceRanges', () => {
  it('keeps face value ("standard") and all-in ("standard including fees") apart', () => {
    const s = summary(parseTicketmasterEvent(fixture('ticketmaster', 'event.json')));
    assert.deepEqual(s, { lowest: 79, average: null, median: null, highest: 1450, listingCount: null, ticketCount: null, allInLowest: 96.35, allInHighest: 1702.2, currency: 'USD' });
  });
  it('never takes an all-in range for face value when only all-in is given', () => {
    const s = summary(parseTicketmasterEvent({ id: 'x', priceRanges: [{ type: 'standard including fees', currency: 'CZK', min: 1290, max: 3490 }] }));
    assert.equal(s.lowest, null);
    assert.equal(s.highest, null);
    assert.equal(s.allInLowest, 1290);
    assert.equal(s.allInHighest, 3490);
    assert.equal(s.currency, 'CZK');
  });
  it("prices in the market's own currency (any ISO 4217 code), and never mixes a second one in", () => {
    const r = parseTicketmasterEvent({
      id: 'x',
      priceRanges: [
        { type: 'standard', currency: 'ZAR', min: 450, max: 2200 },
        { type: 'standard', currency: 'USD', min: 20, max: 90 },
      ],
    });
    const s = summary(r);
    assert.deepEqual([s.currency, s.lowest, s.highest], ['ZAR', 450, 2200]);
    assert.deepEqual(r.skipped.map((x) => x.path), ['priceRanges[1].currency']);
  });
  it('reads a currency code written in lower case as the standard spells it', () => {
    assert.equal(summary(parseTicketmasterEvent({ id: 'x', priceRanges: [{ type: 'standard', currency: 'aed', min: 95, max: 450 }] })).currency, 'AED');
  });
  it('fails on a currency that is not an ISO 4217 code, naming the field', () => {
    assert.throws(() => parseTicketmasterEvent({ id: 'x', priceRanges: [{ type: 'standard', currency: 'DOLLARS', min: 1, max: 2 }] }), (err: unknown) => err instanceof PayloadShapeError && err.path === 'priceRanges[0].currency');
  });
  it('gives an all-null summary when priceRanges is absent', () => {
    const s = summary(parseTicketmasterEvent(fixture('ticketmaster', 'event-no-price-ranges.json')));
    assert.equal(s.lowest, null);
    assert.equal(s.highest, null);
  });
  it('fails when priceRanges is not an array, naming the path', () => {
    assert.throws(() => parseTicketmasterEvent({ id: 'x', priceRanges: { min: 1 } }), (err: unknown) => err instanceof PayloadShapeError && err.path === 'priceRanges');
  });
});
