import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cheapestTogether, cheapestTogetherForSizes, PARTY_SIZES, type OfferedListing } from '../../src/domain/together';
import { stubHub, vividSeats } from '../helpers/offered-listings';

/**
 * The cheapest N seats together, on real captures parsed by the product's parsers:
 * trial/vs_real18.json (Vivid Seats, 18 listings) and stubhub/comp-listings.json (StubHub Pro).
 * In vs_real18 (id: section, row, quantity, splits, base, all-in):
 *   VT000001 Promenade 316 Z q1 [1]     200.00 240.00
 *   VT000002 Promenade 323 Z q3 [1,3]   212.55 287.00
 *   VT000003 Promenade 325 Z q2 [2]     220.35 297.00
 *   VT000009 Promenade 338 M q8 [1..6,8] 250.00 337.00
 *   VT000015 Promenade 303 P q4 [2,4]   257.00 347.00
 *   VT000016 Promenade 307 V q4 [2,4]   257.00 347.00
 * In comp-listings (USD unless said; no base price: StubHub gives the seller's net proceeds):
 *   7421193302 Floor 2 row 14 q4 all-in 289.17; 7421193318 Loge 134 row hidden q2 all-in 215.33;
 *   7421193390 Upper 312 row 10 q2 BRL 95.00; 7421193391 Loge 134 row 3 q2 all-in 240.00 (no
 *   sellerNetProceeds, which no buyer figure needs); 7421193355 gives no sellerAllInPrice, so no
 *   buyer's price: the parser skips it.
 */
const vs = vividSeats('trial/vs_real18.json');
const sh = stubHub('stubhub/comp-listings.json');
const only = (...ids: string[]): OfferedListing[] => vs.filter((l) => ids.includes(l.listingId));

describe('the cheapest N seats together', () => {
  it('parses the captures it is computed from (18 Vivid Seats listings; 4 StubHub ones, 7421193355 skipped)', () => {
    assert.equal(vs.length, 18);
    assert.deepEqual(
      sh.map((l) => l.listingId),
      ['7421193302', '7421193318', '7421193390', '7421193391'],
    );
  });

  it('is the lowest total for exactly n from one listing, on the all-in price', () => {
    // 2 together: VT000001 holds 1, VT000002 sells 1 or 3, so VT000003: 2 x 297.00 = 594.00.
    const two = cheapestTogether(vs, 2, 'all-in', 'USD');
    assert.deepEqual(two, {
      n: 2,
      basis: 'all-in',
      currency: 'USD',
      total: 594,
      perTicket: 297,
      marketplace: 'vividseats',
      listingId: 'VT000003',
      zone: two!.zone,
      section: 'Promenade 325',
      row: 'Z',
      quantity: 2,
      leftOut: { otherCurrency: 0, noPriceOnBasis: 0 },
      candidates: 15,
    });
    // 4 together: VT000009 (8 tickets, sells 4): 4 x 337.00 = 1348.00.
    assert.deepEqual(
      [cheapestTogether(vs, 4, 'all-in', 'USD')?.listingId, cheapestTogether(vs, 4, 'all-in', 'USD')?.total],
      ['VT000009', 1348],
    );
  });

  it('on the base price names its basis and can pick another total: 2 x 220.35 = 440.70', () => {
    const two = cheapestTogether(vs, 2, 'base', 'USD')!;
    assert.deepEqual([two.basis, two.listingId, two.perTicket, two.total], ['base', 'VT000003', 220.35, 440.7]);
  });

  it('is the cheapest across marketplaces: StubHub 7421193318, 2 x 215.33 = 430.66, below Vivid Seats 594.00', () => {
    const two = cheapestTogether([...vs, ...sh], 2, 'all-in', 'USD')!;
    // Its row is hidden: it still sells 2 seats together (one listing), the row is just unknown.
    assert.deepEqual(
      [two.marketplace, two.listingId, two.section, two.row, two.total],
      ['stubhub', '7421193318', 'Loge 134', null, 430.66],
    );
    // 4 together: StubHub 7421193302 (4 tickets, any split), 4 x 289.17 = 1156.68, below VT000009's 1348.00.
    assert.deepEqual(
      [cheapestTogether([...vs, ...sh], 4, 'all-in', 'USD')?.listingId, cheapestTogether([...vs, ...sh], 4, 'all-in', 'USD')?.total],
      ['7421193302', 1156.68],
    );
    // 15 Vivid Seats listings sell 2; on StubHub 7421193302 (any split), 7421193318 and 7421193391 do.
    assert.equal(two.candidates, 18);
  });

  it('leaves out a listing whose splits forbid n, however many tickets it holds', () => {
    // VT000002 holds 3 and sells 1 or 3: no 2 together, 3 together is 3 x 287.00 = 861.00.
    const l = only('VT000002');
    assert.equal(cheapestTogether(l, 2, 'all-in', 'USD'), null);
    assert.equal(cheapestTogether(l, 3, 'all-in', 'USD')?.total, 861);
    assert.equal(cheapestTogether(l, 1, 'all-in', 'USD')?.total, 287);
  });

  it('leaves out a listing holding fewer tickets than n', () => {
    const l = only('VT000001');
    assert.equal(cheapestTogether(l, 1, 'all-in', 'USD')?.total, 240);
    assert.equal(cheapestTogether(l, 2, 'all-in', 'USD'), null);
    // StubHub 7421193302 holds 4 and sells any number (no splits): 4 together, not 5.
    const anySplit = sh.filter((l) => l.listingId === '7421193302');
    assert.deepEqual(anySplit[0]?.splits, []);
    assert.equal(cheapestTogether(anySplit, 4, 'all-in', 'USD')?.total, 1156.68);
    assert.equal(cheapestTogether(anySplit, 5, 'all-in', 'USD'), null);
    // VT000009 holds 8: 9 together is not there, 8 is.
    assert.equal(cheapestTogether(only('VT000009'), 9, 'all-in', 'USD'), null);
    assert.equal(cheapestTogether(only('VT000009'), 8, 'all-in', 'USD')?.total, 2696);
  });

  it('leaves out and counts listings without a price on the basis, never taking the other basis', () => {
    // A StubHub listing without its all-in price never reaches here (no buyer's price: the parser
    // skips 7421193355); the three USD ones all give it, the BRL one is another currency.
    const allIn = cheapestTogether(sh, 2, 'all-in', 'USD')!;
    assert.deepEqual(allIn.leftOut, { otherCurrency: 1, noPriceOnBasis: 0 });
    assert.equal(allIn.candidates, 3);
    // The same seats given without a price on the basis are counted, not priced from the other basis.
    const hidden = sh.map((l) => (l.listingId === '7421193318' ? { ...l, allInPrice: null } : l));
    const noAllIn = cheapestTogether(hidden, 2, 'all-in', 'USD')!;
    assert.deepEqual([noAllIn.listingId, noAllIn.total, noAllIn.leftOut], ['7421193391', 480, { otherCurrency: 1, noPriceOnBasis: 1 }]);
    // On the base price StubHub gives nothing: every USD listing is left out, and there is no figure.
    assert.equal(cheapestTogether(sh, 2, 'base', 'USD'), null);
    // Across both marketplaces on base, the StubHub ones are counted as left out beside Vivid Seats' figure.
    assert.deepEqual(cheapestTogether([...vs, ...sh], 2, 'base', 'USD')?.leftOut, { otherCurrency: 1, noPriceOnBasis: 3 });
  });

  it('leaves out a Vivid Seats listing whose all-in price is not given, rather than pricing it at its base', () => {
    // vividseats/listings-unzoned.json: Club Box B (VB2840019002, 2 at 1200.00 base) writes its all-in as "0.00",
    // the format's "not given": no all-in figure from it, and 2 together is VB2840011874, 2 x 275.40 = 550.80.
    const unzoned = vividSeats('vividseats/listings-unzoned.json');
    const clubBox = unzoned.filter((l) => l.listingId === 'VB2840019002');
    assert.deepEqual([clubBox[0]?.allInPrice, clubBox[0]?.basePrice], [null, 1200]);
    assert.equal(cheapestTogether(clubBox, 2, 'all-in', 'USD'), null);
    assert.equal(cheapestTogether(clubBox, 2, 'base', 'USD')?.total, 2400);
    const two = cheapestTogether(unzoned, 2, 'all-in', 'USD')!;
    assert.deepEqual(
      [two.listingId, two.total, two.candidates, two.leftOut],
      ['VB2840011874', 550.8, 7, { otherCurrency: 0, noPriceOnBasis: 1 }],
    );
  });

  it('leaves out and counts listings in another currency, and compares those alone when asked in theirs', () => {
    // 7421193390 at R$95.00 is not below US$289.17: it is never compared with USD prices.
    const usd = cheapestTogether(sh, 2, 'all-in', 'USD')!;
    assert.equal(usd.listingId, '7421193318');
    assert.equal(usd.leftOut.otherCurrency, 1);
    const brl = cheapestTogether(sh, 2, 'all-in', 'BRL')!;
    assert.deepEqual([brl.listingId, brl.total, brl.currency, brl.candidates], ['7421193390', 190, 'BRL', 1]);
    assert.deepEqual(brl.leftOut, { otherCurrency: 3, noPriceOnBasis: 0 });
  });

  it('breaks a tie on the total by marketplace name, then listing id, whatever the order of the listings', () => {
    // VT000015 and VT000016 both sell 4 at 347.00: 4 x 347.00 = 1388.00 each; VT000015 wins on its id.
    const pair = only('VT000015', 'VT000016');
    assert.equal(cheapestTogether(pair, 4, 'all-in', 'USD')?.listingId, 'VT000015');
    assert.equal(cheapestTogether([...pair].reverse(), 4, 'all-in', 'USD')?.listingId, 'VT000015');
    // The same seats and price on another marketplace: "stubhub" comes before "vividseats", even with
    // a listing id after both Vivid Seats ids (so the marketplace name alone decides).
    const elsewhere: OfferedListing = { ...pair[1]!, marketplace: 'stubhub', listingId: 'W1' };
    for (const listings of [[...pair, elsewhere], [elsewhere, ...pair].reverse()]) {
      const four = cheapestTogether(listings, 4, 'all-in', 'USD')!;
      assert.deepEqual([four.marketplace, four.listingId, four.total, four.candidates], ['stubhub', 'W1', 1388, 3]);
    }
  });

  it('rounds the total to cents like roundCents', () => {
    // 3 x 33.35 = 100.05 (100.05000000000001 in floating point).
    const l: OfferedListing = { ...only('VT000009')[0]!, allInPrice: 33.35 };
    assert.equal(cheapestTogether([l], 3, 'all-in', 'USD')?.total, 100.05);
  });

  it('refuses an n that is not a positive integer, naming n', () => {
    for (const n of [0, -2, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(
        () => cheapestTogether(vs, n, 'all-in', 'USD'),
        (e: unknown) => e instanceof RangeError && /\bn\b/.test(e.message),
      );
    assert.throws(() => cheapestTogetherForSizes(vs, [2, 0], 'all-in', 'USD'), RangeError);
  });

  it('gives one figure per party size (1, 2, 4 by default), null where nothing sells that many', () => {
    const sizes = cheapestTogetherForSizes(vs, undefined, 'all-in', 'USD');
    assert.deepEqual(
      sizes.map((s) => [s.n, s.figure?.listingId, s.figure?.total]),
      [
        [1, 'VT000001', 240],
        [2, 'VT000003', 594],
        [4, 'VT000009', 1348],
      ],
    );
    assert.deepEqual(
      sizes.map((s) => s.n),
      [...PARTY_SIZES],
    );
    assert.deepEqual(
      cheapestTogetherForSizes(only('VT000001'), [1, 2], 'all-in', 'USD').map((s) => s.figure?.total ?? null),
      [240, null],
    );
  });
});
