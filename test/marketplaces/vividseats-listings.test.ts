import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { countSkipped, normalizedListingSchema, SUMMARY_ZONE, type FetchedPrices, type NormalizedListing } from '../../src/domain/listing';
import { computeSnapshots, type SnapshotMetrics } from '../../src/domain/snapshot';
import { describeParse } from '../../src/marketplaces/describe';
import { PayloadShapeError } from '../../src/marketplaces/errors';
import { isTicket, parseSplits, parseVividSeatsListings, ticketSchema } from '../../src/marketplaces/vividseats/adapter';
import { seededRandom } from '../../src/domain/random';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'marketplaces', 'vividseats', name), 'utf8')) as unknown;

function listingsOf(r: FetchedPrices): NormalizedListing[] {
  assert.equal(r.kind, 'listings');
  return r.kind === 'listings' ? r.listings : [];
}

function row(rows: SnapshotMetrics[], zone: string, section = ''): SnapshotMetrics {
  const found = rows.find((r) => r.zone === zone && r.section === section);
  assert.ok(found, `no snapshot row for ${zone}/${section || '(zone)'}`);
  return found;
}

// /work/shared/cases/vividseats-listings.json, with the values worked out by hand in its README.
describe('Vivid Seats field case: the real key layout (zone c, section d, all-in, splits m)', () => {
  const result = parseVividSeatsListings(fixture('case-real-key-layout.json'));
  const ls = listingsOf(result);
  const rows = computeSnapshots(ls);

  it('stores 4 of 5 tickets; VB900005 (price "N/A") is skipped and counted with its reason', () => {
    assert.equal(result.items, 5);
    assert.equal(ls.length, 4);
    assert.deepEqual(
      result.skipped.map((s) => s.path),
      ['tickets[4].p'],
    );
    assert.match(result.skipped[0]!.reason, /"N\/A" is not a number/);
    assert.deepEqual(countSkipped(result.skipped), [{ kind: 'tickets[].p: not a number', count: 1 }]);
    assert.deepEqual(result.declared, { listings: 5, tickets: 15 });
  });

  it('reads the zone from c (groups[].i), not from g', () => {
    assert.deepEqual(Object.fromEntries(ls.map((l) => [l.listingId, l.zone])), {
      VB900001: 'Lower Level',
      VB900002: 'Lower Level',
      VB900003: 'Upper Level',
      VB900004: 'Floor',
    });
  });

  it('event: lowest 64.00, highest 410.25, 4 listings, 13 tickets', () => {
    const e = row(rows, SUMMARY_ZONE);
    assert.deepEqual([e.lowestPrice, e.highestPrice, e.totalListings, e.totalTickets, e.currency], [64, 410.25, 4, 13, 'USD']);
  });

  it('Lower Level: lowest 98.50, highest 120.00, average 109.25, 6 tickets, 2 listings', () => {
    const z = row(rows, 'Lower Level');
    assert.deepEqual([z.lowestPrice, z.highestPrice, z.averagePrice, z.totalTickets, z.totalListings], [98.5, 120, 109.25, 6, 2]);
  });

  it('best for 2 together: 64.00 a ticket (Upper Level, splits 1,2,3,4,6); Lower Level 98.50', () => {
    assert.equal(row(rows, SUMMARY_ZONE).lowestPrice2, 2 * 64);
    assert.equal(row(rows, 'Upper Level').lowestPrice2, 2 * 64);
    assert.equal(row(rows, 'Lower Level').lowestPrice2, 2 * 98.5);
  });

  it('best for 4 together: 64.00 a ticket in Upper Level; Lower Level 120.00 (splits 2,4); Floor none (1 ticket)', () => {
    assert.equal(row(rows, SUMMARY_ZONE).lowestPrice4, 4 * 64);
    assert.equal(row(rows, 'Upper Level').lowestPrice4, 4 * 64);
    assert.equal(row(rows, 'Lower Level').lowestPrice4, 4 * 120);
    assert.equal(row(rows, 'Floor').lowestPrice4, null);
    assert.equal(row(rows, 'Floor').lowestPrice2, null);
  });

  it('all-in price of VB900003 is 80.64 (allInPricePerTicket), kept apart from the price 64.00', () => {
    const l = ls.find((x) => x.listingId === 'VB900003')!;
    assert.deepEqual([l.basePrice, l.allInPrice, l.splits], [64, 80.64, [1, 2, 3, 4, 6]]);
  });
});

// Derived from a real capture of /hermes/api/v1/listings (see test/fixtures/marketplaces/README.md).
describe('Vivid Seats listings derived from a real capture', () => {
  const result = parseVividSeatsListings(fixture('listings.json'));
  const ls = listingsOf(result);
  const rows = computeSnapshots(ls);

  it('parses every ticket, long-form duplicates and all, to valid listings', () => {
    assert.equal(ls.length, 9);
    assert.equal(result.skipped.length, 0);
    for (const l of ls) normalizedListingSchema.parse(l);
    assert.deepEqual(result.declared, { listings: 9, tickets: 36 });
    assert.deepEqual(
      ls.find((l) => l.listingId === 'VB2840011874'),
      {
        listingId: 'VB2840011874',
        zone: 'Promenade',
        section: 'Promenade 325',
        row: 'Z',
        quantity: 2,
        splits: [2],
        basePrice: 204,
        allInPrice: 275.4,
        sellerNetProceeds: null,
        currency: 'USD',
      },
    );
  });

  it('a ticket flagged g "1" is still in its zone from c', () => {
    assert.equal(ls.find((l) => l.listingId === 'VF3300101')!.zone, 'Promenade');
  });

  it('per zone: Promenade 180.00-236.00, average 209.30, 18 tickets; best 2 together 408.00, best 4 together 924.00', () => {
    const p = row(rows, 'Promenade');
    assert.deepEqual(
      [p.lowestPrice, p.highestPrice, p.averagePrice, p.totalTickets, p.totalListings, p.lowestPrice2, p.lowestPrice4],
      [180, 236, 209.3, 18, 5, 408, 924],
    );
  });

  it('per zone: Courtside 5500.00-8400.00, average 7366.67; best 2 together 11000.00 and 4 together 22000.00 from the 11-ticket listing', () => {
    const c = row(rows, 'Courtside');
    assert.deepEqual(
      [c.lowestPrice, c.highestPrice, c.averagePrice, c.totalTickets, c.lowestPrice2, c.lowestPrice4],
      [5500, 8400, 7366.67, 16, 11000, 22000],
    );
    const loge = row(rows, 'Loge');
    assert.deepEqual([loge.lowestPrice2, loge.lowestPrice4], [1500, null]);
  });

  it('event: lowest 180.00, highest 8400.00, 9 listings, 36 tickets (as global[0] declares)', () => {
    const e = row(rows, SUMMARY_ZONE);
    assert.deepEqual(
      [e.lowestPrice, e.highestPrice, e.totalListings, e.totalTickets, e.lowestPrice2, e.lowestPrice4],
      [180, 8400, 9, 36, 408, 924],
    );
  });
});

describe('Vivid Seats older short form (short keys only, all-in as aip)', () => {
  it('parses: empty m = any split, empty aip = no all-in, empty row = null', () => {
    const ls = listingsOf(parseVividSeatsListings(fixture('listings-short-form.json')));
    assert.deepEqual(ls, [
      {
        listingId: 'VB2840020001',
        zone: 'Loge',
        section: 'Loge 203',
        row: 'C',
        quantity: 4,
        splits: [2, 4],
        basePrice: 410,
        allInPrice: 553.5,
        sellerNetProceeds: null,
        currency: 'USD',
      },
      {
        listingId: 'VB2840020002',
        zone: 'Promenade',
        section: 'Promenade 301',
        row: null,
        quantity: 2,
        splits: [],
        basePrice: 150,
        allInPrice: null,
        sellerNetProceeds: null,
        currency: 'USD',
      },
    ]);
  });
});

describe('Vivid Seats payloads that do not fit', () => {
  it('fails a payload whose tickets field was renamed, naming the field path', () => {
    assert.throws(
      () => parseVividSeatsListings(fixture('renamed-tickets.json')),
      (err: unknown) => err instanceof PayloadShapeError && err.path === 'tickets',
    );
  });

  it('skips every ticket whose zone is not among the groups, counted under one reason', () => {
    const payload = fixture('listings.json') as { groups: unknown[] };
    const r = parseVividSeatsListings({ ...payload, groups: [] });
    assert.equal(listingsOf(r).length, 0);
    assert.deepEqual(countSkipped(r.skipped), [{ kind: 'tickets[].c: zone not among groups', count: 9 }]);
  });

  it('prices in the currency the payload names (i18n), any ISO 4217 code', () => {
    const payload = fixture('case-real-key-layout.json') as Record<string, unknown>;
    const r = parseVividSeatsListings({ ...payload, i18n: { from: 'CAD', to: 'CAD', rate: 1, applyCurrencyConversion: false } });
    assert.deepEqual([...new Set(listingsOf(r).map((l) => l.currency))], ['CAD']);
  });

  it('a conversion no capture shows (applyCurrencyConversion to another currency) stores no price under a guessed currency, and says why', () => {
    const payload = fixture('case-real-key-layout.json') as Record<string, unknown>;
    const converted = parseVividSeatsListings({ ...payload, i18n: { from: 'USD', to: 'mxn', rate: 17.1, applyCurrencyConversion: true } });
    assert.equal(listingsOf(converted).length, 0);
    assert.deepEqual(countSkipped(converted.skipped), [{ kind: 'i18n: currency unknown (conversion)', count: 5 }]);
    assert.match(converted.skipped[0]!.reason, /MXN or still in USD/);
    const same = parseVividSeatsListings({ ...payload, i18n: { from: 'USD', to: 'USD', rate: 1, applyCurrencyConversion: true } });
    assert.deepEqual([...new Set(listingsOf(same).map((l) => l.currency))], ['USD']);
  });

  it('reads split lists, and refuses one that is not a list of sizes', () => {
    assert.deepEqual(parseSplits('1,2,3,4,6'), [1, 2, 3, 4, 6]);
    assert.deepEqual(parseSplits(''), []);
    assert.deepEqual(parseSplits('2, 4,'), [2, 4]);
    assert.deepEqual(parseSplits(undefined), []);
    assert.equal(parseSplits('2,four'), undefined);
    assert.equal(parseSplits('0'), undefined);
  });
});

describe('the quick ticket guard', () => {
  it('never accepts a ticket the schema rejects, and accepts the real ones', () => {
    const payload = fixture('listings.json') as { tickets: Record<string, unknown>[] };
    for (const t of payload.tickets) assert.ok(isTicket(t));
    const values: unknown[] = [undefined, null, '', 'x', '12.50', 0, 7, -1, Number.NaN, true, [], {}, ['1']];
    const keys = ['i', 'p', 's', 'l', 'sectionName', 'r', 'row', 'd', 'c', 'q', 'quantity', 'allInPricePerTicket', 'aip', 'm', 'g'];
    const rnd = seededRandom(11);
    for (let n = 0; n < 3000; n++) {
      const t: Record<string, unknown> = { ...payload.tickets[n % payload.tickets.length]! };
      for (let k = 0; k < 3; k++) t[keys[Math.floor(rnd() * keys.length)]!] = values[Math.floor(rnd() * values.length)];
      if (isTicket(t)) assert.ok(ticketSchema.safeParse(t).success, JSON.stringify(t));
    }
  });
});

describe('what `sources parse` reports for a payload', () => {
  it('the figures of the field case, and the health a scrape of it would have', () => {
    const fetched = parseVividSeatsListings(fixture('case-real-key-layout.json'));
    const r = describeParse('vividseats', fetched, undefined, 'base');
    assert.deepEqual(
      [r.items, r.parsed, r.skipped, r.lowest, r.highest, r.tickets, r.lowestFor2, r.lowestFor4, r.currency, r.health],
      [5, 4, 1, 64, 410.25, 13, 128, 256, 'USD', 'ok'],
    );
    // All in (the default): aip 80.64 (VB900003, 6 tickets, splits 1,2,3,4,6) to 516.92; 2 x 80.64, 4 x 80.64.
    const a = describeParse('vividseats', fetched);
    assert.deepEqual([a.basis, a.lowest, a.highest, a.lowestFor2, a.lowestFor4], ['all-in', 80.64, 516.92, 161.28, 322.56]);
  });
  it('a payload declaring far more listings than it carries is reported as format drift', () => {
    const payload = fixture('case-real-key-layout.json') as Record<string, unknown>;
    const r = describeParse('vividseats', parseVividSeatsListings({ ...payload, global: [{ listingCount: '833', ticketCount: '2551' }] }));
    assert.match(r.health, /^format-drift: the marketplace declares 833 listings, 4 parsed/);
  });
});
