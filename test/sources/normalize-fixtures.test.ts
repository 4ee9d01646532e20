import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { normalizedListingSchema, type FetchedPrices } from '../../src/domain/listing';
import { PayloadShapeError } from '../../src/sources/errors';
import { parseSeatGeekEvent } from '../../src/sources/seatgeek';
import { STUBHUB_UNZONED, parseStubHubCatalogEvent, parseStubHubCompListings, parseStubHubPayload } from '../../src/sources/stubhub';
import { parseTicketmasterEvent } from '../../src/sources/ticketmaster';
import { parseVividSeatsListings } from '../../src/sources/vividseats';

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

describe('Vivid Seats listings JSON', () => {
  const result = parseVividSeatsListings(fixture('vividseats', 'listings.json'));

  it('normalizes tickets: string numbers, zones from groups, empty row as null, missing all-in as null', () => {
    const ls = listings(result);
    assert.equal(ls.length, 5);
    for (const l of ls) normalizedListingSchema.parse(l);
    assert.deepEqual(ls[0], {
      listingId: '8801234501', zone: 'Lower Level', section: '112', row: '7', quantity: 4, splits: [], pricePerTicket: 185, allInPrice: 231.25, currency: 'USD',
    });
    assert.equal(ls[1]!.row, null);
    assert.equal(ls.find((l) => l.section === 'Floor A')!.zone, 'Floor');
    assert.equal(ls.find((l) => l.listingId === '8801234505')!.allInPrice, null);
  });

  it('skips and counts malformed tickets with their paths (quantity 0, price "n/a")', () => {
    assert.equal(result.skipped.length, 2);
    assert.match(result.skipped[0]!.path, /^tickets\[5\]/);
    assert.match(result.skipped[0]!.reason, /at least 1/);
    assert.equal(result.skipped[1]!.path, 'tickets[6].p');
  });

  it('fails a payload whose tickets field was renamed, naming the field path', () => {
    assert.throws(() => parseVividSeatsListings(fixture('vividseats', 'renamed-tickets.json')), (err: unknown) => {
      assert.ok(err instanceof PayloadShapeError);
      assert.equal(err.path, 'tickets');
      return true;
    });
  });
});

describe('StubHub Pro comparable listings', () => {
  const result = parseStubHubCompListings(fixture('stubhub', 'comp-listings.json'));

  it('normalizes money objects: net proceeds as price, all-in as all-in', () => {
    const ls = listings(result);
    assert.equal(ls.length, 3);
    assert.deepEqual(ls[0], {
      listingId: '7421193302', zone: STUBHUB_UNZONED, section: 'Floor 2', row: '14', quantity: 4, splits: [], pricePerTicket: 212.4, allInPrice: 289.17, currency: 'USD',
    });
    assert.equal(ls[1]!.zone, 'Loge');
    assert.equal(ls[1]!.row, null);
    assert.equal(ls[2]!.allInPrice, null);
  });

  it('skips an unsupported currency and a listing without net proceeds', () => {
    assert.deepEqual(result.skipped.map((s) => s.path), ['[3].currencyCode', '[4].sellerNetProceeds']);
  });

  it('fails a non-array payload at the root', () => {
    assert.throws(() => parseStubHubCompListings({ listings: [] }), (err: unknown) => err instanceof PayloadShapeError && err.path === '');
  });
});

describe('StubHub / viagogo Catalog event (HAL+JSON)', () => {
  it('gives a summary from min_ticket_price in its currency', () => {
    const s = summary(parseStubHubCatalogEvent(fixture('stubhub', 'catalog-event.json')));
    assert.deepEqual(s, { lowest: 142.5, average: null, median: null, highest: null, listingCount: null, ticketCount: null, currency: 'GBP' });
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
    assert.deepEqual(s, { lowest: 98, average: 312, median: 241, highest: 4650, listingCount: 1284, ticketCount: null, currency: 'USD' });
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
  it('takes the standard face-value range', () => {
    const s = summary(parseTicketmasterEvent(fixture('ticketmaster', 'event.json')));
    assert.deepEqual(s, { lowest: 79, average: null, median: null, highest: 1450, listingCount: null, ticketCount: null, currency: 'USD' });
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
