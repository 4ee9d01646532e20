import assert from 'node:assert/strict';
import { evaluateScrape } from '../../src/scrape/evaluate';
import { applyRules, ruleInputOf } from '../../src/alerts/rules/store';
import { ruleSpecSchema } from '../../src/alerts/rules/types';
import type { AlertMessage } from '../../src/alerts/message';
import type { MarketplaceName, NormalizedListing } from '../../src/domain/listing';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';
import { storeScrape } from '../alerts/helpers/scrapes';

/**
 * Alert rules on a price basis (issue 24): a rule reads the figures of its own basis only, its
 * alert names that basis beside every price, cheaper-elsewhere compares like with like (StubHub,
 * which gives only an all-in price, is compared on all-in and absent on base), and "N together
 * under TOTAL" fires on the cheapest total for N seats across every marketplace's latest listings.
 */

/** One listing; prices per ticket in USD. */
function listing(
  id: string,
  o: { base: number | null; allIn: number | null; quantity?: number; splits?: number[]; section?: string; row?: string; net?: number },
): NormalizedListing {
  return {
    listingId: id,
    zone: 'Floor',
    section: o.section ?? '101',
    row: o.row ?? 'A',
    quantity: o.quantity ?? 2,
    splits: o.splits ?? [],
    basePrice: o.base,
    allInPrice: o.allIn,
    sellerNetProceeds: o.net ?? null,
    currency: 'USD',
  };
}

describeLayouts('alert rules on a price basis', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  const T0 = Date.parse('2027-04-01T10:00:00Z');
  let n = 0;
  const scrape = (eventId: number, marketplace: MarketplaceName, listings: NormalizedListing[], hoursAfterT0: number): Promise<string> =>
    storeScrape(t.db, { eventId, marketplace, listings, t0: T0, hoursAfterT0, cycle: ++n });
  const spec = (eventId: number, o: Record<string, unknown>) =>
    ruleInputOf(ruleSpecSchema.parse({ channels: 'webhook', cooldown: 'none', ...o }), eventId);
  const messageOf = async (alertId: number): Promise<AlertMessage> =>
    (await t.db.query<{ details: AlertMessage }>(`SELECT details FROM alerts WHERE id = $1`, [alertId])).rows[0]!.details;

  before(async () => {
    t = await createTestDatabase({ layout });
  });
  after(async () => t?.drop());

  it('a rule on all-in reads the all-in figures and one on base the base figures, and its alert names the basis', async () => {
    const eventId = await createEvent(t.db, `basis-${layout}`);
    // Lowest base 100 (L1), lowest all-in 130 (L2): the bases disagree on the cheapest listing.
    const listings = [listing('L1', { base: 100, allIn: 150 }), listing('L2', { base: 120, allIn: 130 })];
    await applyRules(t.db, [
      spec(eventId, { name: 'all-in under 110', condition: 'below 110', basis: 'all-in' }),
      spec(eventId, { name: 'base under 110', condition: 'below 110', basis: 'base' }),
      spec(eventId, { name: 'all-in under 135', condition: 'below 135' }),
      spec(eventId, { name: 'base under 95', condition: 'below 95', basis: 'base' }),
    ]);
    const e = await evaluateScrape(t.db, await scrape(eventId, 'vividseats', listings, 0));
    assert.deepEqual(e.firings.map((f) => f.ruleName).sort(), ['all-in under 135', 'base under 110']);
    const allIn = await messageOf(e.firings.find((f) => f.ruleName === 'all-in under 135')!.alertId);
    assert.equal(allIn.price, 130);
    assert.equal(allIn.basis, 'all-in');
    assert.match(allIn.text, /130\.00 USD all-in/);
    const base = await messageOf(e.firings.find((f) => f.ruleName === 'base under 110')!.alertId);
    assert.equal(base.price, 100);
    assert.equal(base.basis, 'base');
    assert.match(base.text, /100\.00 USD before fees/);
  });

  it('cheaper-elsewhere compares on the rule basis: StubHub on all-in, absent on base', async () => {
    const eventId = await createEvent(t.db, `elsewhere-${layout}`);
    await applyRules(t.db, [
      spec(eventId, { name: 'stubhub cheaper all-in', marketplace: 'stubhub', condition: 'cheaper-elsewhere 20' }),
      spec(eventId, { name: 'stubhub cheaper base', marketplace: 'stubhub', condition: 'cheaper-elsewhere 20', basis: 'base' }),
      spec(eventId, { name: 'vivid cheaper base', marketplace: 'vividseats', condition: 'cheaper-elsewhere 5', basis: 'base' }),
      spec(eventId, { name: 'vivid cheaper all-in', marketplace: 'vividseats', condition: 'cheaper-elsewhere 5' }),
    ]);
    // Vivid Seats: 100 before fees, 130 all-in.
    await scrape(eventId, 'vividseats', [listing('V1', { base: 100, allIn: 130 })], 0);
    // StubHub: no base price (its 80 is the seller's net proceeds, never a buyer's price), 100 all-in:
    // (100 - 130) / 130 = -23.08 %, at least 20 % under Vivid Seats on all-in.
    const sh = await evaluateScrape(t.db, await scrape(eventId, 'stubhub', [listing('S1', { base: null, allIn: 100, net: 80 })], 0.5));
    assert.deepEqual(
      sh.firings.map((f) => f.ruleName),
      ['stubhub cheaper all-in'],
    );
    const m = await messageOf(sh.firings[0]!.alertId);
    assert.equal(m.changePercent, -23.08);
    assert.match(m.text, /130\.00 USD all-in -> 100\.00 USD all-in .*vs vividseats/);
    // Vivid Seats falls to 70 before fees, 90 all-in: (90 - 100) / 100 = -10 % against StubHub's
    // all-in 100, so the all-in rule fires; on base there is nothing to compare its 70 with
    // (StubHub has no base figure), so the base rule does not.
    const vs = await evaluateScrape(t.db, await scrape(eventId, 'vividseats', [listing('V1', { base: 70, allIn: 90 })], 1));
    assert.deepEqual(
      vs.firings.map((f) => f.ruleName),
      ['vivid cheaper all-in'],
    );
    assert.match((await messageOf(vs.firings[0]!.alertId)).text, /vs stubhub/);
  });

  it('"N together under TOTAL" fires on the cheapest total across marketplaces, at or under the threshold, once', async () => {
    const eventId = await createEvent(t.db, `together-${layout}`);
    await applyRules(t.db, [
      spec(eventId, { name: 'pair at 200', condition: '2 together under 200' }),
      spec(eventId, { name: 'pair under 199.99', condition: '2 together under 199.99' }),
      spec(eventId, { name: 'trio under 400', condition: '3 together under 400', basis: 'base' }),
    ]);
    // Vivid Seats: V1 4 tickets at 130 all-in (2 together = 260), 110 base (3 together = 330).
    await scrape(eventId, 'vividseats', [listing('V1', { base: 110, allIn: 130, quantity: 4, section: '110', row: 'F' })], 0);
    // StubHub: S1 sells only 2 at a time at 100 all-in (2 together = 200), S2 has 1 ticket at 50
    // (cannot seat 2 together), and no base price on either.
    const sh = await evaluateScrape(
      t.db,
      await scrape(
        eventId,
        'stubhub',
        [
          listing('S1', { base: null, allIn: 100, quantity: 2, splits: [2], section: '104', row: 'C' }),
          listing('S2', { base: null, allIn: 50, quantity: 1, section: '104', row: 'D' }),
        ],
        0.5,
      ),
    );
    // Cheapest 2 together all-in: min(2 × 100 on StubHub, 2 × 130 on Vivid Seats) = 200 <= 200;
    // not <= 199.99. Cheapest 3 together on base: only V1 (3 × 110 = 330 <= 400; StubHub has no base).
    assert.deepEqual(sh.firings.map((f) => f.ruleName).sort(), ['pair at 200', 'trio under 400']);
    const pair = await messageOf(sh.firings.find((f) => f.ruleName === 'pair at 200')!.alertId);
    assert.equal(pair.price, 200);
    assert.equal(pair.marketplace, 'stubhub');
    assert.equal(pair.groupSize, 2);
    assert.match(pair.title, /2 together under 200/);
    assert.match(pair.text, /2 together for 200\.00 USD all-in in total \(100\.00 USD all-in each\) on stubhub, section 104, row C/);
    const trio = await messageOf(sh.firings.find((f) => f.ruleName === 'trio under 400')!.alertId);
    assert.equal(trio.price, 330);
    assert.equal(trio.groupSize, undefined, 'the webhook body knows group sizes 1, 2 and 4 only');
    assert.match(trio.text, /3 together for 330\.00 USD before fees in total .* on vividseats, section 110, row F/);

    // One state per event, not per marketplace: the next scrape of the other marketplace does not fire again.
    const again = await evaluateScrape(
      t.db,
      await scrape(eventId, 'vividseats', [listing('V1', { base: 110, allIn: 130, quantity: 4, section: '110', row: 'F' })], 1),
    );
    assert.deepEqual(again.firings, []);
  });
});
