import assert from 'node:assert/strict';
import { evaluateScrape } from '../../src/scrape/evaluate';
import { applyRules, ruleInputOf } from '../../src/alerts/rules/store';
import { ruleSpecSchema } from '../../src/alerts/rules/types';
import type { MarketplaceName, NormalizedListing } from '../../src/domain/listing';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent, makeListings } from '../fixtures/db/data';
import { scaled, storeScrape } from '../alerts/helpers/scrapes';

// Issue 14: a scrape marked 'empty' (0 listings after many, domain/scrape-health) fired sold-out,
// then back-in-stock, re-armed rules and hid its marketplace from cheaper-elsewhere.
describeLayouts('a scrape marked suspect is not evaluated', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let eventId: number;
  const base = makeListings(200, 7);
  const T0 = Date.parse('2027-03-01T10:00:00Z');
  let n = 0;

  const scrape = (marketplace: MarketplaceName, listings: NormalizedListing[], hoursAfterT0: number): Promise<string> =>
    storeScrape(t.db, { eventId, marketplace, listings, t0: T0, hoursAfterT0, cycle: ++n });
  // On base: the thresholds below are worked out from the listings' base prices.
  const spec = (o: Record<string, unknown>) =>
    ruleInputOf(ruleSpecSchema.parse({ channels: 'webhook', cooldown: 'none', basis: 'base', ...o }), eventId);
  const states = async () =>
    (await t.db.query(`SELECT rule_id, marketplace, armed, last_fired_at FROM alert_rule_state ORDER BY rule_id, marketplace`)).rows;

  before(async () => {
    t = await createTestDatabase({ layout });
    eventId = await createEvent(t.db, `marked-${layout}`);
  });
  after(async () => t?.drop());

  it('no firing, no rule state change, no price change; the skip is recorded; the next scrape compares with the last believable one', async () => {
    const lowest = Math.min(...base.map((l) => l.basePrice!)) * 0.7;
    await applyRules(t.db, [
      spec({ name: 'gone', marketplace: 'vividseats', condition: 'sold-out' }),
      spec({ name: 'back', marketplace: 'vividseats', condition: 'back-in-stock' }),
      spec({ name: 'under', marketplace: 'vividseats', condition: `below ${Math.ceil(lowest + 1)}` }),
      spec({ name: 'seatgeek cheaper', marketplace: 'seatgeek', condition: 'cheaper-elsewhere 10' }),
    ]);
    const first = await evaluateScrape(t.db, await scrape('vividseats', scaled(base, 0.7), 0));
    assert.deepEqual(
      first.firings.map((f) => f.ruleName),
      ['under'],
    );
    await scrape('ticketmaster', base, 0.5);
    const stateBefore = await states();

    const emptyKey = await scrape('vividseats', [], 1);
    const health = await t.db.query<{ health: string }>(`SELECT health FROM scrapes WHERE scrape_key = $1`, [emptyKey]);
    assert.equal(health.rows[0]!.health, 'empty', 'the product marks this scrape itself');
    const empty = await evaluateScrape(t.db, emptyKey);
    assert.deepEqual(empty.firings, [], 'no sold-out from a scrape marked empty');
    assert.equal(empty.priceChanges, 0);
    assert.match(empty.skipped ?? '', /marked empty/);
    assert.deepEqual(await states(), stateBefore, 'no rule re-armed');
    const row = await t.db.query<{ skipped: string | null }>(`SELECT skipped FROM scrape_evaluations WHERE scrape_key = $1`, [emptyKey]);
    assert.match(row.rows[0]!.skipped ?? '', /0 listings where the previous scrape stored 200/);
    const changes = await t.db.query(`SELECT 1 FROM price_changes WHERE scrape_key = $1`, [emptyKey]);
    assert.equal(changes.rowCount, 0, 'no drop to nothing recorded');
    // A retry reads the skip back.
    assert.equal((await evaluateScrape(t.db, emptyKey)).skipped, empty.skipped);

    // SeatGeek 0.8 is 20 % under Ticketmaster, but not under Vivid Seats' last believable 0.7.
    const sg = await evaluateScrape(t.db, await scrape('seatgeek', scaled(base, 0.8), 1.5));
    assert.deepEqual(sg.firings, [], 'a marked scrape is never the other marketplace latest');

    // The marketplace answers normally again: no back-in-stock, no re-fired below.
    const again = await scrape('vividseats', scaled(base, 0.7), 2);
    const normal = await evaluateScrape(t.db, again);
    assert.deepEqual(normal.firings, []);
    assert.equal(normal.changePercent, 0, 'compared with the last believable scrape');
    const prev = await t.db.query<{ previous_scrape_key: string }>(
      `SELECT DISTINCT previous_scrape_key FROM price_changes WHERE scrape_key = $1`,
      [again],
    );
    assert.deepEqual(
      prev.rows.map((r) => r.previous_scrape_key),
      [`cycle-1/${eventId}/vividseats`],
    );
  });
});
