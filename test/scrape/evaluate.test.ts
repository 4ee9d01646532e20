import assert from 'node:assert/strict';
import { evaluateScrape } from '../../src/scrape/evaluate';
import { listPriceChanges } from '../../src/alerts/changes';
import { addRule, applyRules, ruleInputOf } from '../../src/alerts/rules/store';
import { ruleSpecSchema } from '../../src/alerts/rules/types';
import type { MarketplaceName, NormalizedListing } from '../../src/domain/listing';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent, makeListings } from '../fixtures/db/data';
import { scaled, storeScrape } from '../alerts/helpers/scrapes';

describeLayouts('price changes and rule firings of a stored scrape', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let eventId: number;
  const base = makeListings(200, 11);
  const T0 = Date.parse('2027-02-01T10:00:00Z');
  let n = 0;

  const scrape = (marketplace: MarketplaceName, listings: NormalizedListing[], hoursAfterT0: number): Promise<string> =>
    storeScrape(t.db, { eventId, marketplace, listings, t0: T0, hoursAfterT0, cycle: ++n });

  const spec = (o: Record<string, unknown>) => ruleInputOf(ruleSpecSchema.parse({ channels: 'discord,webhook', ...o }), eventId);

  before(async () => {
    t = await createTestDatabase({ layout });
    eventId = await createEvent(t.db, `alerts-${layout}`, { marketplaceIds: { vividseats: 'VS1', stubhub: 'SH1' } });
  });
  after(async () => t?.drop());

  it('records, per zone and ALL and group size 1, 2, 4, the change against the previous scrape', async () => {
    const first = await scrape('vividseats', base, 0);
    const e1 = await evaluateScrape(t.db, first);
    assert.equal(e1.priceChanges, 0, 'the first scrape has nothing to compare with');
    // One zone sold out entirely, every other price 20 % lower.
    const rest = scaled(
      base.filter((l) => l.zone !== 'Club'),
      0.8,
    );
    const second = await scrape('vividseats', rest, 1);
    const e2 = await evaluateScrape(t.db, second);
    const rows = await t.db.query<{
      zone: string;
      quantity: number;
      from_price: string;
      to_price: string | null;
      percent: string | null;
      to_tickets: number | null;
    }>(
      `SELECT zone, quantity, from_price, to_price, percent, to_tickets FROM price_changes
        WHERE scrape_key = $1 AND basis = 'base' ORDER BY zone, quantity`,
      [second],
    );
    const allIn = await t.db.query<{ zone: string; quantity: number; from_price: string; to_price: string | null }>(
      `SELECT zone, quantity, from_price, to_price FROM price_changes WHERE scrape_key = $1 AND basis = 'all-in' ORDER BY zone, quantity`,
      [second],
    );
    // Both bases have figures here (the listings give both): one row each.
    assert.equal(e2.priceChanges, rows.rows.length + allIn.rows.length);
    assert.equal(allIn.rows.length, rows.rows.length);
    const allIn1 = allIn.rows.find((r) => r.zone === 'ALL' && r.quantity === 1)!;
    assert.equal(Number(allIn1.from_price), Math.min(...base.filter((l) => l.allInPrice !== null).map((l) => l.allInPrice!)));
    assert.equal(Number(allIn1.to_price), Math.min(...rest.filter((l) => l.allInPrice !== null).map((l) => l.allInPrice!)));
    const zones = [...new Set(rows.rows.map((r) => r.zone))];
    assert.deepEqual(zones, ['ALL', 'Club', 'Floor', 'Lower Bowl', 'Upper Bowl']);
    const all1 = rows.rows.find((r) => r.zone === 'ALL' && r.quantity === 1)!;
    const lowest = Math.min(...base.map((l) => l.basePrice!));
    const lowestAfter = Math.min(...rest.map((l) => l.basePrice!));
    assert.equal(Number(all1.from_price), lowest);
    assert.equal(Number(all1.to_price), lowestAfter);
    assert.equal(Number(all1.percent), Math.round(((lowestAfter - lowest) / lowest) * 10_000) / 100);
    assert.equal(e2.changePercent, Number(all1.percent));
    const club = rows.rows.find((r) => r.zone === 'Club' && r.quantity === 1)!;
    assert.equal(club.to_price, null);
    assert.equal(club.to_tickets, 0, 'a zone gone from the scrape is sold out there');
    assert.ok(rows.rows.some((r) => r.quantity === 2) && rows.rows.some((r) => r.quantity === 4));

    const listed = await listPriceChanges(t.db, { eventId, days: 3650, minPercent: 15, now: new Date(T0 + 2 * 3_600_000) });
    assert.ok(listed.length > 0 && listed.every((c) => c.percent !== null && Math.abs(c.percent) >= 15));
  });

  it('fires a matching rule once per scrape, re-arms after the condition clears, and a retried evaluation writes nothing twice', async () => {
    await addRule(t.db, spec({ name: 'drop ten', event: 'x', marketplace: 'vividseats', condition: 'drop 10%', cooldown: 'none' }));
    await addRule(t.db, spec({ name: 'other marketplace', marketplace: 'stubhub', condition: 'drop 1', cooldown: 'none' }));
    await addRule(t.db, spec({ name: 'paused', condition: 'drop 1', paused: true }));

    const drop = await scrape('vividseats', scaled(base, 0.7), 2); // -12.5 % from the 0.8 level
    const [a, b, c] = await Promise.all([evaluateScrape(t.db, drop), evaluateScrape(t.db, drop), evaluateScrape(t.db, drop)]);
    const fresh = [a, b, c].filter((e) => !e.alreadyEvaluated);
    assert.equal(fresh.length, 1, 'one evaluation writes, the concurrent ones read it back');
    for (const e of [a, b, c]) {
      assert.deepEqual(
        e.firings.map((f) => f.ruleName),
        ['drop ten'],
      );
      assert.deepEqual(e.firings, a.firings);
    }
    assert.deepEqual(a.firings[0]!.channels, ['discord', 'webhook']);
    const alert = await t.db.query<{
      details: { title: string; changePercent: number; zone: string; marketplace: string };
      scrape_key: string;
    }>(`SELECT details, scrape_key FROM alerts WHERE id = $1`, [a.firings[0]!.alertId]);
    assert.equal(alert.rows[0]!.scrape_key, drop);
    assert.equal(alert.rows[0]!.details.marketplace, 'vividseats');
    assert.equal(alert.rows[0]!.details.zone, 'ALL');
    assert.ok(alert.rows[0]!.details.changePercent <= -10);
    assert.match(alert.rows[0]!.details.title, /drop 10%/);

    // Still dropping: the rule is disarmed. Flat: cleared. Dropping again: fires again.
    const further = await scrape('vividseats', scaled(base, 0.6), 3);
    assert.deepEqual((await evaluateScrape(t.db, further)).firings, []);
    const flat = await scrape('vividseats', scaled(base, 0.6), 4);
    assert.deepEqual((await evaluateScrape(t.db, flat)).firings, []);
    const again = await scrape('vividseats', scaled(base, 0.5), 5);
    assert.deepEqual(
      (await evaluateScrape(t.db, again)).firings.map((f) => f.ruleName),
      ['drop ten'],
    );
    const count = await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM alerts WHERE rule_id IS NOT NULL`);
    assert.equal(Number(count.rows[0]!.n), 2);
  });

  it('new-low, below, cheaper-elsewhere and zone rules read the stored history', async () => {
    // On base: the figures below are worked out from the listings' base prices.
    await applyRules(t.db, [
      spec({ name: 'new low', marketplace: 'vividseats', condition: 'new-low', cooldown: 'none', basis: 'base' }),
      spec({ name: 'floor under 10', marketplace: 'vividseats', zone: 'Floor', condition: 'below 10', cooldown: 'none', basis: 'base' }),
      spec({ name: 'cheaper here', marketplace: 'vividseats', condition: 'cheaper-elsewhere 20', cooldown: 'none', basis: 'base' }),
    ]);
    // StubHub gives no base price (its other figure is the seller's net proceeds): however low,
    // it is not "elsewhere" on base; SeatGeek's is.
    const stubhub = scaled(base, 0.1).map((l) => ({
      ...l,
      sellerNetProceeds: l.basePrice,
      basePrice: null,
      allInPrice: l.allInPrice ?? l.basePrice,
    }));
    await scrape('stubhub', stubhub, 5.4);
    await scrape('seatgeek', base, 5.5);
    const low = await scrape('vividseats', scaled(base, 0.4), 6);
    const e = await evaluateScrape(t.db, low);
    const floorLowest = Math.min(...base.filter((l) => l.zone === 'Floor').map((l) => l.basePrice!)) * 0.4;
    const expected = ['new low', 'cheaper here', ...(floorLowest <= 10 ? ['floor under 10'] : [])].sort();
    assert.deepEqual(e.firings.map((f) => f.ruleName).sort(), expected);
    const cheaper = await t.db.query<{ details: { text: string } }>(
      `SELECT details FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE r.name = 'cheaper here'`,
    );
    assert.match(cheaper.rows[0]!.details.text, /vs seatgeek/);
  });
});
