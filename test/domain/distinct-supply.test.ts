import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distinctSupply, sameRowKey, sameSectionKey, SAME_SEATS_TOLERANCE, withinTolerance } from '../../src/domain/distinct-supply';
import {
  mirroredOnStubHub,
  readFixture,
  stubHub,
  ticketsById,
  vividSeats,
  vividSeatsCapture,
  type VividSeatsPayload,
} from '../helpers/offered-listings';

/**
 * Distinct supply on the real Vivid Seats capture trial/vs_real18.json (18 listings, 49 tickets),
 * parsed by the product's parser. No public capture shows the same seats on two marketplaces, so
 * the second marketplace's listings are built from the same real Vivid Seats tickets the way a
 * seller lists the same seats on StubHub (mirroredOnStubHub): same section, row and quantity, the
 * same ask (Vivid Seats `p`) as StubHub net proceeds, StubHub's fees on top (all-in = ask x
 * 289.17 / 212.40, the ratio in the StubHub capture), in the StubHub capture's layout, parsed by
 * the StubHub parser. The three tickets mirrored (section, row, quantity, base, Vivid Seats all-in):
 *   VT000003 Promenade 325 Z q2 220.35 297.00 -> StubHub 220.35 x 1.36144 = 299.99
 *   VT000009 Promenade 338 M q8 250.00 337.00 -> StubHub 340.36
 *   VT000012 Promenade 334 U q4 255.00 344.00 -> StubHub 347.17
 */
const capture = vividSeatsCapture();
const vs = vividSeats(capture);
const mirrored = ticketsById(capture, 'VT000003', 'VT000009', 'VT000012');
const copy = (payload: VividSeatsPayload): VividSeatsPayload => structuredClone(payload);

describe('distinct supply: the same seats counted once', () => {
  it('links the same seats listed on two marketplaces and counts them once', () => {
    const sh = stubHub(mirroredOnStubHub(mirrored));
    assert.deepEqual(
      sh.map((l) => l.allInPrice),
      [299.99, 340.36, 347.17],
    );
    const supply = distinctSupply([...vs, ...sh]);
    assert.deepEqual(supply.perMarketplace, { vividseats: { listings: 18, tickets: 49 }, stubhub: { listings: 3, tickets: 14 } });
    // 21 listings, 63 tickets; three pairs linked: 21 - 3 = 18 listings, 63 - (2 + 8 + 4) = 49 tickets.
    assert.deepEqual([supply.listings, supply.tickets, supply.distinctListings, supply.distinctTickets], [21, 63, 18, 49]);
    assert.deepEqual(
      supply.links,
      [
        { listingIds: { stubhub: '7421190003', vividseats: 'VT000012' }, section: 'Promenade 334', row: 'U', quantity: 4, currency: 'USD' },
        { listingIds: { stubhub: '7421190001', vividseats: 'VT000003' }, section: 'Promenade 325', row: 'Z', quantity: 2, currency: 'USD' },
        { listingIds: { stubhub: '7421190002', vividseats: 'VT000009' }, section: 'Promenade 338', row: 'M', quantity: 8, currency: 'USD' },
      ].sort((a, b) => (a.section < b.section ? -1 : 1)),
    );
    assert.equal(supply.tolerance, SAME_SEATS_TOLERANCE);
    // The order of the listings changes nothing.
    assert.deepEqual(distinctSupply([...sh, ...vs].reverse()), supply);
  });

  it('compares sections without case, spacing or a leading Section/Sec word, and rows without a leading Row', () => {
    // The field case writes "Section 101" row F (4 at 151.20 all-in); StubHub writes "Sec. 101", "Row F".
    const field = readFixture('vividseats/case-real-key-layout.json') as VividSeatsPayload;
    const sh = stubHub(
      mirroredOnStubHub(ticketsById(field, 'VB900001')).map((l) => ({ ...(l as object), section: ' sec.  101', row: 'Row F' })),
    );
    const supply = distinctSupply([...vividSeats(field), ...sh]);
    // The link names the seats as the first marketplace by name (stubhub) writes them, trimmed by its parser.
    assert.deepEqual(supply.links, [
      { listingIds: { stubhub: '7421190001', vividseats: 'VB900001' }, section: 'sec.  101', row: 'Row F', quantity: 4, currency: 'USD' },
    ]);
    assert.deepEqual(['Section 101', 'SECTION 101', 'Sect 101', 'sec. 101', '101', 'Promenade 316', 'Section'].map(sameSectionKey), [
      '101',
      '101',
      '101',
      '101',
      '101',
      'promenade 316',
      'section',
    ]);
    assert.deepEqual(['Row 14', 'row  14', '14', 'Rowan', '  ', null].map(sameRowKey), ['14', '14', '14', 'rowan', null, null]);
  });

  it('does not link the same section, row and quantity when the all-in prices are further apart than fees explain', () => {
    // VT000003 is 297.00 on Vivid Seats; 297.00 x 1.20 = 356.40 is the furthest a 20% tolerance links.
    const at = (price: number): number =>
      distinctSupply([...vs, ...stubHub(mirroredOnStubHub(ticketsById(capture, 'VT000003'), { VT000003: price }))]).links.length;
    assert.equal(at(450), 0);
    assert.equal(at(356.41), 0);
    assert.equal(at(356.4), 1);
    assert.equal(at(247.5), 1); // 247.50 x 1.20 = 297.00: the boundary from below
    assert.equal(at(247.49), 0);
    const apart = distinctSupply([...vs, ...stubHub(mirroredOnStubHub(ticketsById(capture, 'VT000003'), { VT000003: 450 }))]);
    assert.deepEqual([apart.distinctListings, apart.distinctTickets], [19, 51]);
    assert.equal(withinTolerance(240, 288), true);
    assert.equal(withinTolerance(288.01, 240), false);
  });

  it('never links a listing whose row is hidden, even to one with the same hidden row', () => {
    const hidden = copy(capture);
    hidden.tickets.find((t) => t.i === 'VT000003')!.r = '';
    const sh = stubHub(mirroredOnStubHub(ticketsById(hidden, 'VT000003')).map((l) => ({ ...(l as object), row: null })));
    assert.equal(sh[0]!.row, null);
    const supply = distinctSupply([...vividSeats(hidden), ...sh]);
    assert.deepEqual([supply.links.length, supply.distinctListings, supply.distinctTickets], [0, 19, 51]);
  });

  it('never links a listing without an all-in price, nor two in different currencies', () => {
    // StubHub's parser skips a listing without sellerAllInPrice (no buyer's price); the same seats with
    // the all-in price taken away after parsing stand for any listing without one.
    const noAllIn = stubHub(mirroredOnStubHub(ticketsById(capture, 'VT000003'))).map((l) => ({ ...l, allInPrice: null }));
    assert.equal(noAllIn.length, 1);
    assert.equal(distinctSupply([...vs, ...noAllIn]).links.length, 0);
    const cad = stubHub(mirroredOnStubHub(ticketsById(capture, 'VT000003')).map((l) => ({ ...(l as object), currencyCode: 'CAD' })));
    assert.equal(distinctSupply([...vs, ...cad]).links.length, 0);
  });

  it('never links two listings on the same marketplace, and links one listing to at most one per other marketplace, closest price first', () => {
    // The same seats listed twice on Vivid Seats (a second copy of VT000003 at 300.00 all-in): two offers there.
    const twice = copy(capture);
    twice.tickets.push({ ...ticketsById(capture, 'VT000003')[0]!, i: 'VT000003B', allInPricePerTicket: '300.00' });
    const vsTwice = vividSeats(twice);
    const alone = distinctSupply(vsTwice);
    assert.deepEqual([alone.links.length, alone.distinctListings, alone.distinctTickets], [0, 19, 51]);
    // StubHub's 299.99 is 0.01 from VT000003B and 2.99 from VT000003: it links to VT000003B only.
    const supply = distinctSupply([...vsTwice, ...stubHub(mirroredOnStubHub(ticketsById(capture, 'VT000003')))]);
    assert.deepEqual(
      supply.links.map((l) => l.listingIds),
      [{ stubhub: '7421190001', vividseats: 'VT000003B' }],
    );
    assert.deepEqual([supply.listings, supply.distinctListings, supply.distinctTickets], [20, 19, 51]);
  });

  it('links the same seats on three marketplaces as one group, counted once', () => {
    // A third marketplace showing the same seats in Vivid Seats' format with 25% fees: all-in = ask x 1.25
    // (VT000003: 220.35 x 1.25 = 275.44). None of the product's other marketplaces gives listings.
    const third = copy(capture);
    third.tickets = ticketsById(capture, 'VT000003', 'VT000009', 'VT000012').map((t) => ({
      ...t,
      i: `T-${t.i}`,
      allInPricePerTicket: (Math.round(Number(t.p) * 125) / 100).toFixed(2),
    }));
    const thirdListings = vividSeats(third, 'third');
    assert.equal(thirdListings[0]!.allInPrice, 275.44);
    const supply = distinctSupply([...vs, ...stubHub(mirroredOnStubHub(mirrored)), ...thirdListings]);
    assert.deepEqual(
      supply.links.map((l) => [l.section, l.listingIds]),
      [
        ['Promenade 325', { stubhub: '7421190001', third: 'T-VT000003', vividseats: 'VT000003' }],
        ['Promenade 334', { stubhub: '7421190003', third: 'T-VT000012', vividseats: 'VT000012' }],
        ['Promenade 338', { stubhub: '7421190002', third: 'T-VT000009', vividseats: 'VT000009' }],
      ],
    );
    // 24 listings, 77 tickets; each group of three counted once: 24 - 6 = 18, 77 - 2 x (2 + 8 + 4) = 49.
    assert.deepEqual([supply.listings, supply.tickets, supply.distinctListings, supply.distinctTickets], [24, 77, 18, 49]);
  });

  it('keeps every two listings of a group within the tolerance: a chain of close prices is not one group', () => {
    // VT000003 at 297.00; StubHub at 350.00 (17.8% above) and a third at 405.00 (15.7% above StubHub,
    // 36.4% above Vivid Seats): the closest pair (Vivid Seats, StubHub: 53.00 apart) links; the third
    // is within 20% of StubHub but not of Vivid Seats, so it stays apart.
    const third = copy(capture);
    third.tickets = [{ ...ticketsById(capture, 'VT000003')[0]!, i: 'T-1', allInPricePerTicket: '405.00' }];
    const supply = distinctSupply([
      ...vs,
      ...stubHub(mirroredOnStubHub(ticketsById(capture, 'VT000003'), { VT000003: 350 })),
      ...vividSeats(third, 'third'),
    ]);
    assert.deepEqual(
      supply.links.map((l) => l.listingIds),
      [{ stubhub: '7421190001', vividseats: 'VT000003' }],
    );
    assert.deepEqual([supply.listings, supply.distinctListings], [20, 19]);
  });

  it('refuses a tolerance that is not a relative difference from 0 to 1', () => {
    for (const t of [-0.1, 1.5, Number.NaN]) assert.throws(() => distinctSupply(vs, t), /tolerance/);
  });
});
