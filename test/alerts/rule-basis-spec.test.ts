import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { describeCondition, measure } from '../../src/alerts/rules/evaluate';
import { ruleInputOf } from '../../src/alerts/rules/store';
import { parseCondition, ruleSpecSchema } from '../../src/alerts/rules/types';
import { factsOf } from '../../src/alerts/text';
import { readRulesFile } from '../../src/cli/commands/alerts';

/** A rule's basis and the "N together under TOTAL" condition as written (CLI, rules file), and prices shown with their basis. */
describe('rule basis and the together condition, as written', () => {
  const parse = (o: Record<string, unknown>) => ruleSpecSchema.parse({ name: 'r', channels: 'discord', ...o });

  it('a rule is all-in unless it says base (an unwritten basis is stored as all-in for a new rule: test/db/alert-rule-basis-migration)', () => {
    assert.equal(ruleInputOf(parse({ condition: 'below 100' }), null).basis, null);
    assert.equal(ruleInputOf(parse({ condition: 'below 100', basis: 'base' }), null).basis, 'base');
  });

  it('a rules file names the rule and the field of a bad basis', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rules-'));
    try {
      const file = join(dir, 'alerts.yaml');
      await writeFile(
        file,
        'rules:\n  - name: fine\n    condition: new-low\n    channels: [discord]\n  - name: pairs\n    condition: below 200\n    basis: net\n    channels: [discord]\n',
      );
      const { rules, mistakes } = await readRulesFile(file);
      assert.deepEqual(
        rules.map((r) => r.spec.name),
        ['fine'],
      );
      assert.equal(mistakes.length, 1);
      assert.match(mistakes[0]!, /^rules\.1\.basis: .*all-in, base.*"net".*\(rule "pairs"\)$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('"N together under TOTAL" sets the quantity to N (any N from 1) and takes a total', () => {
    const three = ruleInputOf(parse({ condition: '3 together under 450.50' }), null);
    assert.deepEqual([three.condition, three.quantity, three.threshold], ['together', 3, 450.5]);
    assert.equal(describeCondition(three), '3 together under 450.5');
    assert.equal(ruleInputOf(parse({ condition: '2 together under 500', quantity: 2 }), null).quantity, 2);
    assert.throws(() => parse({ condition: '2 together under 500', quantity: 4 }), /quantity.*names 2 together/s);
    assert.throws(() => parseCondition('0 together under 500'), /whole number from 1/);
    assert.throws(() => parseCondition('together 500'), /N together under TOTAL/);
    assert.throws(() => parseCondition('2 together under 0'), /positive total/);
  });

  it('together is active at or under the total, cleared past the 2 % band', () => {
    const rule = { condition: 'together' as const, threshold: 200, overHours: null };
    const at = (price: number | null) =>
      measure(rule, {
        price,
        tickets: null,
        listings: null,
        hasPrevious: true,
        previousPrice: null,
        priceHoursAgo: null,
        lowestBefore: null,
        others: [],
      }).standing;
    assert.deepEqual([at(200), at(203), at(204.01), at(null)], ['active', 'band', 'cleared', 'cleared']);
  });

  it('a price alert shows its basis beside every price', () => {
    const facts = factsOf({
      kind: 'price',
      severity: 'info',
      title: 't',
      text: 'x',
      dedupeKey: 'k',
      previousPrice: 250,
      price: 212.4,
      basis: 'all-in',
      currency: 'USD',
    });
    const value = (label: string) => facts.find((f) => f.label === label)?.value;
    assert.equal(value('Price'), '$212.40 all-in');
    assert.equal(value('Previous price'), '$250.00 all-in');
    const base = factsOf({
      kind: 'price',
      severity: 'info',
      title: 't',
      text: 'x',
      dedupeKey: 'k',
      price: 180,
      basis: 'base',
      currency: 'USD',
    });
    assert.equal(base.find((f) => f.label === 'Price')?.value, '$180.00 before fees');
  });
});
