import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { FetchedPrices } from '../../src/domain/listing';
import { describeParse } from '../../src/marketplaces/describe';
import { parseSeatGeekEvent } from '../../src/marketplaces/seatgeek/adapter';
import { parseTicketmasterEvent } from '../../src/marketplaces/ticketmaster/adapter';
import { parseVividSeatsListings } from '../../src/marketplaces/vividseats/adapter';

const fixture = (marketplace: string, name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'marketplaces', marketplace, name), 'utf8')) as Record<string, unknown>;

function summary(r: FetchedPrices) {
  if (r.kind !== 'summary') throw new Error('not a summary');
  return r.summary;
}

// event-min-zero.json: ticketmaster/event.json with the face value range's min 0.0, as Ticketmaster
// shows a free or hidden category (see test/fixtures/marketplaces/README.md).
describe('a 0 a format uses for "hidden" is null with the reason, not drift', () => {
  it('Ticketmaster min 0.0: face value lowest null (not given); highest 1450.00 and the all-in 96.35-1702.20 kept; healthy', () => {
    const r = parseTicketmasterEvent(fixture('ticketmaster', 'event-min-zero.json'));
    const s = summary(r);
    assert.deepEqual([s.lowest, s.highest, s.allInLowest, s.allInHighest, s.currency], [null, 1450, 96.35, 1702.2, 'USD']);
    assert.deepEqual(r.skipped, []);
    assert.deepEqual(
      r.notGiven?.map((n) => n.path),
      ['priceRanges[0].min'],
    );
    assert.match(r.notGiven![0]!.reason, /free or hidden category; the face value lowest is stored as null/);
    const report = describeParse('ticketmaster', r);
    assert.equal(report.health, 'ok');
    assert.equal(report.healthy, true);
    assert.deepEqual(report.notGiven, [{ path: 'priceRanges[0].min', reason: r.notGiven![0]!.reason }]);
  });

  it('Ticketmaster: a 0 in one of two face value ranges hides the lowest over both; the other basis is untouched', () => {
    const p = fixture('ticketmaster', 'event.json');
    p.priceRanges = [
      { type: 'standard', currency: 'USD', min: 0.0, max: 0.0 },
      { type: 'standard', currency: 'USD', min: 45.0, max: 310.0 },
      { type: 'standard including fees', currency: 'USD', min: 55.5, max: 372.0 },
    ];
    const r = parseTicketmasterEvent(p);
    const s = summary(r);
    // The hidden category's price is unknown, so neither the lowest nor the highest over the
    // categories can be told on that basis.
    assert.deepEqual([s.lowest, s.highest, s.allInLowest, s.allInHighest], [null, null, 55.5, 372]);
    assert.deepEqual(
      r.notGiven?.map((n) => n.path),
      ['priceRanges[0].min', 'priceRanges[0].max'],
    );
    assert.equal(describeParse('ticketmaster', r).health, 'ok');
  });

  // Kinds found by a new user's trial on public Discovery captures (an "Aries" NZD event, a
  // Coliseum tour at USD 5-25): each range is read whole or not at all.
  it('Ticketmaster: a range whose min is above its max, or that lacks its min or max, is skipped with its path and leaves that figure unknown', () => {
    const inverted = fixture('ticketmaster', 'event.json');
    inverted.priceRanges = [...(inverted.priceRanges as unknown[]), { type: 'standard', currency: 'USD', min: 90.0, max: 69.9 }];
    const a = parseTicketmasterEvent(inverted);
    assert.deepEqual(
      a.skipped.map((k) => [k.path, k.reason]),
      [['priceRanges[2]', 'min 90 above max 69.9: not a range']],
    );
    // The face value range that is no range leaves the face value figures unknown; all-in kept.
    assert.deepEqual([summary(a).lowest, summary(a).highest, summary(a).allInLowest], [null, null, 96.35]);
    // 1 of 3 ranges not read: over the 20 % a scrape may lose, so format drift, not a quiet success.
    assert.equal(
      describeParse('ticketmaster', a).health,
      'format-drift: 1 of 3 items skipped (33.3 %, over 20 %): 1 × priceRanges[]: min above max',
    );

    const noMin = fixture('ticketmaster', 'event.json');
    noMin.priceRanges = [
      { type: 'standard', currency: 'USD', max: 64.4 },
      { type: 'standard', currency: 'USD', min: 69.9, max: 69.9 },
    ];
    const b = parseTicketmasterEvent(noMin);
    assert.deepEqual(
      b.skipped.map((k) => k.path),
      ['priceRanges[0].min'],
    );
    // Without the first category's min, 69.90 cannot be the lowest: not given.
    assert.equal(summary(b).lowest, null);
    assert.match(
      describeParse('ticketmaster', b).health,
      /^format-drift: 1 of 2 items skipped \(50 %, over 20 %\): 1 × priceRanges\[\]\.min: missing/,
    );
  });

  it('Ticketmaster: an object with neither dates nor priceRanges (a SeatGeek event) is refused, never a healthy event without prices', () => {
    assert.throws(() => parseTicketmasterEvent(fixture('seatgeek', 'event.json')), /neither dates nor priceRanges: not a Discovery event/);
  });

  it('Ticketmaster: a real format change still counts as drift (min/max renamed, a negative min)', () => {
    const renamed = fixture('ticketmaster', 'event.json');
    renamed.priceRanges = [
      { type: 'standard', currency: 'USD', minimum: 0.0, maximum: 1450.0 },
      { type: 'standard including fees', currency: 'USD', minimum: 96.35, maximum: 1702.2 },
    ];
    const a = describeParse('ticketmaster', parseTicketmasterEvent(renamed));
    assert.equal(a.healthy, false);
    assert.match(a.health, /^format-drift: 2 of 2 items skipped/);
    const negative = fixture('ticketmaster', 'event.json');
    (negative.priceRanges as { min: number }[])[0]!.min = -5;
    const b = parseTicketmasterEvent(negative);
    assert.deepEqual(
      b.skipped.map((x) => x.path),
      ['priceRanges[standard].min'],
    );
    assert.equal(b.notGiven, undefined);
    assert.equal(describeParse('ticketmaster', b).healthy, false);
  });

  it('SeatGeek: 0 where an event without listings has no figure is null, not skipped; the listing count 0 is a count', () => {
    const r = parseSeatGeekEvent(fixture('seatgeek', 'event-sparse-stats.json'));
    const s = summary(r);
    assert.deepEqual([s.allInHighest, s.listingCount], [null, 0]);
    assert.deepEqual(r.skipped, []);
    assert.deepEqual(
      r.notGiven?.map((n) => [n.path, n.reason]),
      [['stats.highest_price', '0: SeatGeek writes 0 for a price figure it does not have (an event without listings); stored as null']],
    );
    assert.equal(describeParse('seatgeek', r).health, 'ok');
  });

  it('Vivid Seats: an all-in "0.00" keeps the listing with its price; the all-in is null with the reason', () => {
    // listings-unzoned.json's last ticket (VB2840019002, p "1200.00") carries aip / allInPricePerTicket "0.00".
    const r = parseVividSeatsListings(fixture('vividseats', 'listings-unzoned.json'));
    if (r.kind !== 'listings') throw new Error('not listings');
    const l = r.listings.find((x) => x.listingId === 'VB2840019002')!;
    assert.deepEqual([l.basePrice, l.allInPrice], [1200, null]);
    assert.deepEqual(
      r.notGiven?.map((n) => n.path),
      ['tickets[10].allInPricePerTicket'],
    );
    const report = describeParse('vividseats', r);
    assert.equal(report.health, 'ok');
    // The all-in figures (the default basis) are over the 10 listings that give one: 216.00 ..
    // 11340.00; the eleventh is left out and counted, never priced at its base instead.
    assert.deepEqual([report.basis, report.lowest, report.highest, report.noPriceOnBasis], ['all-in', 216, 11340, 1]);
  });

  it('Vivid Seats: a price before fees of "0.00" is not a listing the format hides a figure of: skipped with its path', () => {
    const p = fixture('vividseats', 'listings.json');
    const tickets = p.tickets as Record<string, unknown>[];
    tickets[0] = { ...tickets[0], p: '0.00' };
    const r = parseVividSeatsListings(p);
    assert.deepEqual(
      r.skipped.map((s) => s.path),
      ['tickets[0] (normalized basePrice)'],
    );
  });
});
