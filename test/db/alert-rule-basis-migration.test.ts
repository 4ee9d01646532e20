import assert from 'node:assert/strict';
import { listPriceChanges } from '../../src/alerts/changes';
import { applyRules, describeRule, listRules, ruleInputOf } from '../../src/alerts/rules/store';
import { ruleSpecSchema } from '../../src/alerts/rules/types';
import { loadMigrations, migrate } from '../../src/db/migrate';
import { createTestDatabase, describeLayouts, pausePolicies, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';

/**
 * Migration 091 gives alert rules and price changes a price basis in a database that already has
 * rules and changes: the rules stored before keep the base figures they were evaluated on (and
 * say so), a rule added after is all-in unless it says otherwise, and the price changes recorded
 * before are base.
 */
const BASIS_MIGRATION = 91;

describeLayouts('migration 091: alert rules and price changes on a basis', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let eventId: number;
  before(async () => {
    t = await createTestDatabase({ layout, migrate: false });
    const storageMode = layout === 'plain' ? 'plain' : 'auto';
    await migrate(
      t.db,
      loadMigrations().filter((m) => m.version < BASIS_MIGRATION),
      { storageMode },
    );
    if (layout === 'timescaledb') await pausePolicies(t.db);
    eventId = await createEvent(t.db, 'before-091');
    await t.db.query(
      `INSERT INTO alert_rules (name, event_id, zone, quantity, condition, threshold, cooldown_minutes, channels) VALUES
         ('old drop', NULL, 'ALL', 1, 'drop', 10, 1440, '{discord}'),
         ('old floor pairs', $1, 'Floor', 2, 'below', 250, 1440, '{email}')`,
      [eventId],
    );
    await t.db.query(
      `INSERT INTO price_changes (scrape_key, previous_scrape_key, event_id, marketplace, zone, quantity, captured_at, from_price, to_price, percent, currency)
       VALUES ('c2/e/vividseats', 'c1/e/vividseats', $1, 'vividseats', 'ALL', 1, now() - interval '1 hour', 120, 100, -16.67, 'USD')`,
      [eventId],
    );
    await migrate(t.db, undefined, { storageMode });
  });
  after(async () => t?.drop());

  it('keeps the rules stored before on base and says so; a new rule is all-in', async () => {
    const rules = await listRules(t.db);
    assert.deepEqual(
      rules.map((r) => [r.name, r.basis, r.basisKept]),
      [
        ['old drop', 'base', true],
        ['old floor pairs', 'base', true],
      ],
    );
    assert.equal(describeRule(rules[0]!).basis, 'before fees (kept from before price bases)');
    // Written straight to the table, a rule takes the new default.
    await t.db.query(`INSERT INTO alert_rules (name, condition, channels) VALUES ('raw new', 'new-low', '{slack}')`);
    const raw = await t.db.query<{ basis: string; basis_kept: boolean }>(
      `SELECT basis, basis_kept FROM alert_rules WHERE name = 'raw new'`,
    );
    assert.deepEqual(raw.rows[0], { basis: 'all-in', basis_kept: false });
    await assert.rejects(t.db.query(`UPDATE alert_rules SET basis = 'net' WHERE name = 'raw new'`), /alert_rules_basis_check/);
  });

  it("applying the rules file again without a basis changes no kept rule's meaning; a written basis is the rule as written", async () => {
    const spec = (o: Record<string, unknown>, event: number | null) =>
      ruleInputOf(ruleSpecSchema.parse({ channels: 'discord', ...o }), event);
    // applyRules makes the table hold exactly the list: the whole file each time, as `alerts apply` does.
    const floor = { name: 'old floor pairs', zone: 'Floor', quantity: 2, channels: 'email' };
    const drop = { name: 'old drop', condition: 'drop 10%' };
    await t.db.query(`DELETE FROM alert_rules WHERE name = 'raw new'`);
    const again = await applyRules(t.db, [spec(drop, null), spec({ ...floor, condition: 'below 250' }, eventId)]);
    assert.deepEqual([again.unchanged.sort(), again.changed], [['old drop', 'old floor pairs'], []]);
    // Its threshold changed in the file, its basis still not written: still on base, and says why.
    const moved = await applyRules(t.db, [spec(drop, null), spec({ ...floor, condition: 'below 240' }, eventId)]);
    assert.deepEqual(moved.changed, ['old floor pairs']);
    const report = await applyRules(t.db, [spec({ ...drop, basis: 'all-in' }, null), spec({ ...floor, condition: 'below 240' }, eventId)]);
    assert.deepEqual(report.changed, ['old drop']);
    const byName = new Map((await listRules(t.db)).map((r) => [r.name, r]));
    assert.deepEqual(
      [byName.get('old floor pairs')!.basis, describeRule(byName.get('old floor pairs')!).basis],
      ['base', 'before fees (kept from before price bases)'],
    );
    assert.equal(describeRule(byName.get('old drop')!).basis, 'all-in');
    // A new rule that names no basis is all-in.
    await applyRules(t.db, [
      spec(drop, null),
      spec({ ...floor, condition: 'below 240' }, eventId),
      spec({ name: 'fresh', condition: 'new-low' }, null),
    ]);
    assert.equal((await listRules(t.db)).find((r) => r.name === 'fresh')!.basis, 'all-in');
  });

  it('keeps the price changes recorded before on base', async () => {
    const base = await listPriceChanges(t.db, { eventId, days: 2, basis: 'base' });
    assert.deepEqual(
      base.map((c) => [c.scrapeKey, c.fromPrice, c.toPrice]),
      [['c2/e/vividseats', 120, 100]],
    );
    assert.deepEqual(await listPriceChanges(t.db, { eventId, days: 2 }), [], 'all-in by default: none recorded before');
  });
});
