import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluateRule, INITIAL_STATE, measure, PRICE_HYSTERESIS, type Observation, type RuleState } from '../../src/alerts/rules/evaluate';
import { parseCondition, type AlertRule } from '../../src/alerts/rules/types';

type RuleLike = Pick<AlertRule, 'condition' | 'threshold' | 'overHours' | 'cooldownMinutes'>;
const rule = (condition: string, cooldownMinutes: number | null = null): RuleLike => ({ ...parseCondition(condition), cooldownMinutes });

const obs = (o: Partial<Observation>): Observation => ({
  price: 100,
  tickets: 10,
  listings: 5,
  hasPrevious: true,
  previousPrice: 100,
  priceHoursAgo: null,
  lowestBefore: 100,
  others: [],
  ...o,
});

const T0 = Date.parse('2027-01-01T00:00:00Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

/** Runs a rule over a sequence of observations (one per scrape, 10 minutes apart); the indexes that fired. */
function run(r: RuleLike, seq: Partial<Observation>[]): number[] {
  let state: RuleState = INITIAL_STATE;
  const fired: number[] = [];
  seq.forEach((o, i) => {
    const e = evaluateRule(r, obs(o), state, at(i * 10));
    if (e.fire) fired.push(i);
    state = e.state;
  });
  return fired;
}

describe('alert conditions as written', () => {
  it('parses every condition and refuses bad ones with what to write', () => {
    assert.deepEqual(parseCondition('below 120'), { condition: 'below', threshold: 120, overHours: null });
    assert.deepEqual(parseCondition('drop 15% over 24h'), { condition: 'drop', threshold: 15, overHours: 24 });
    assert.deepEqual(parseCondition('rise 5'), { condition: 'rise', threshold: 5, overHours: null });
    assert.deepEqual(parseCondition('new-low'), { condition: 'new-low', threshold: null, overHours: null });
    assert.deepEqual(parseCondition('cheaper-elsewhere 10%'), { condition: 'cheaper-elsewhere', threshold: 10, overHours: null });
    assert.throws(() => parseCondition('drop'), /drop needs a positive percent/);
    assert.throws(() => parseCondition('below -3'), /below needs a positive price/);
    assert.throws(() => parseCondition('drop -5%'), /drop needs a positive percent/);
    assert.throws(() => parseCondition('drop 250%'), /drop cannot exceed 100 %/);
    assert.throws(() => parseCondition('cheaper-elsewhere 120'), /cannot exceed 100 %/);
    assert.deepEqual(parseCondition('drop 100%'), { condition: 'drop', threshold: 100, overHours: null });
    assert.deepEqual(parseCondition('rise 250%'), { condition: 'rise', threshold: 250, overHours: null });
    assert.throws(() => parseCondition('sold-out 5'), /takes no number/);
    assert.throws(() => parseCondition('below 100 over 3h'), /only drop and rise/);
    assert.throws(() => parseCondition('cheaper 10'), /write one of: below PRICE/);
  });
});

describe('alert rule evaluation (pure)', () => {
  it('below: fires once while the price stays under, re-arms only above the 2 % band', () => {
    const r = rule('below 100');
    assert.deepEqual(
      run(r, [{ price: 120 }, { price: 99 }, { price: 95 }, { price: 101.5 }, { price: 98 }, { price: 102.5 }, { price: 97 }]),
      [1, 6],
    );
    assert.equal(PRICE_HYSTERESIS, 0.02);
  });

  it('drop against the previous scrape: fires on the drop, re-arms once the next scrape moves less', () => {
    const r = rule('drop 10');
    const fired = run(r, [
      { previousPrice: 100, price: 95 },
      { previousPrice: 95, price: 85 }, // -10.53 %
      { previousPrice: 85, price: 76 }, // -10.59 %, still active, disarmed
      { previousPrice: 76, price: 76 }, // 0 %: cleared
      { previousPrice: 76, price: 68 }, // -10.5 %: fires again
    ]);
    assert.deepEqual(fired, [1, 4]);
  });

  it('drop stays disarmed inside the band (between threshold - 1 point and the threshold)', () => {
    const r = rule('drop 10');
    assert.deepEqual(
      run(r, [
        { previousPrice: 100, price: 89 },
        { previousPrice: 100, price: 90.5 },
        { previousPrice: 100, price: 89 },
      ]),
      [0],
    );
    assert.deepEqual(
      run(r, [
        { previousPrice: 100, price: 89 },
        { previousPrice: 100, price: 91.5 },
        { previousPrice: 100, price: 89 },
      ]),
      [0, 2],
    );
  });

  it('drop over N hours compares with the price N hours ago, not the previous scrape', () => {
    const r = rule('drop 20 over 24h');
    const m = measure(r, obs({ previousPrice: 79, price: 78, priceHoursAgo: 100 }));
    assert.equal(m.standing, 'active');
    assert.equal(m.reference, 100);
    assert.equal(m.changePercent, -22);
    assert.equal(measure(r, obs({ previousPrice: 200, price: 78, priceHoursAgo: null })).standing, 'cleared');
  });

  it('rise fires on an increase of at least the percent', () => {
    assert.deepEqual(
      run(rule('rise 5'), [
        { previousPrice: 100, price: 104 },
        { previousPrice: 100, price: 105 },
        { previousPrice: 100, price: 110 },
      ]),
      [1],
    );
  });

  it('new-low: fires below every earlier price, not on the first scrape, re-arms 2 % above the low', () => {
    const r = rule('new-low');
    assert.deepEqual(
      run(r, [
        { lowestBefore: null, price: 80 }, // first scrape: nothing to compare with
        { lowestBefore: 80, price: 79 }, // new low
        { lowestBefore: 79, price: 78 }, // lower still, but not re-armed (band)
        { lowestBefore: 78, price: 80 }, // 2.6 % above the low: cleared
        { lowestBefore: 78, price: 77 }, // new low again
      ]),
      [1, 4],
    );
  });

  it('sold-out fires when nothing is on sale; back-in-stock when tickets return after none', () => {
    assert.deepEqual(run(rule('sold-out'), [{ price: 50 }, { price: null }, { price: null }, { price: 60 }, { price: null }]), [1, 4]);
    assert.deepEqual(
      run(rule('back-in-stock'), [
        { hasPrevious: false, previousPrice: null, price: 50 }, // first scrape is not "back"
        { previousPrice: 50, price: null },
        { previousPrice: null, price: 70 },
        { previousPrice: 70, price: 72 },
      ]),
      [2],
    );
  });

  it('cheaper-elsewhere compares with the cheapest other marketplace and names it', () => {
    const r = rule('cheaper-elsewhere 10');
    const m = measure(
      r,
      obs({
        price: 85,
        others: [
          { marketplace: 'stubhub', price: 120 },
          { marketplace: 'seatgeek', price: 95 },
        ],
      }),
    );
    assert.equal(m.standing, 'active');
    assert.equal(m.comparedWith, 'seatgeek');
    assert.equal(m.changePercent, -10.53);
    assert.equal(measure(r, obs({ price: 90, others: [{ marketplace: 'seatgeek', price: 95 }] })).standing, 'cleared');
    assert.equal(measure(r, obs({ price: 90, others: [] })).standing, 'cleared');
  });

  it('cooldown: a condition that never clears fires again once the cooldown has passed', () => {
    const r = rule('below 100', 25);
    // Scrapes every 10 minutes, all under 100: fires at 0, then at 30 (>= 25 min later), then 60.
    assert.deepEqual(
      run(
        r,
        Array.from({ length: 7 }, () => ({ price: 90 })),
      ),
      [0, 3, 6],
    );
    assert.deepEqual(
      run(
        rule('below 100', null),
        Array.from({ length: 7 }, () => ({ price: 90 })),
      ),
      [0],
    );
  });

  it('is deterministic: the same scrape gives the same answer (a replay re-evaluates nothing differently)', (t) => {
    const r = Object.freeze(rule('drop 5', 60));
    // A 10 % drop on every scrape, at 0, 10, 20 and 70 minutes: it fires, stays quiet inside the
    // 60-minute cooldown (still active, not re-armed), and fires again once `now` is past it.
    const seq = [0, 1, 2, 3].map(() => Object.freeze(obs({ previousPrice: 100, price: 90 })));
    const minutes = [0, 10, 20, 70];
    // Evaluated as the workflow does first, then as a replay does hours later, with another wall
    // clock and another random source: the answers depend on the scrape, the state and `now` only.
    const evaluateAll = (): unknown[] => {
      let state: RuleState = Object.freeze({ ...INITIAL_STATE });
      return seq.map((o, i) => {
        const e = evaluateRule(r, o, state, at(minutes[i]!));
        state = Object.freeze(e.state);
        return e;
      });
    };
    t.mock.method(Date, 'now', () => T0);
    t.mock.method(Math, 'random', () => 0.1);
    const first = evaluateAll();
    t.mock.method(Date, 'now', () => T0 + 6 * 3_600_000);
    t.mock.method(Math, 'random', () => 0.9);
    const replayed = evaluateAll();
    assert.deepEqual(replayed, first);
    assert.deepEqual(
      first.map((e) => {
        const { fire, state } = e as { fire: boolean; state: RuleState };
        return { fire, state };
      }),
      [
        { fire: true, state: { armed: false, lastFiredAt: at(0) } },
        { fire: false, state: { armed: false, lastFiredAt: at(0) } },
        { fire: false, state: { armed: false, lastFiredAt: at(0) } },
        { fire: true, state: { armed: false, lastFiredAt: at(70) } },
      ],
    );
  });
});

describe('alert rule evaluation (property)', () => {
  const priceArb = fc.option(
    fc.double({ min: 1, max: 500, noNaN: true }).map((p) => Math.round(p * 100) / 100),
    { freq: 6 },
  );
  const conditionArb = fc.constantFrom('below 100', 'drop 10', 'rise 10', 'new-low', 'sold-out', 'back-in-stock', 'cheaper-elsewhere 10');

  it('never fires twice without the condition clearing in between (no cooldown)', () => {
    fc.assert(
      fc.property(
        conditionArb,
        fc.array(priceArb, { minLength: 1, maxLength: 60 }),
        fc.array(priceArb, { minLength: 60, maxLength: 60 }),
        (cond, prices, others) => {
          const r = rule(cond);
          let state: RuleState = INITIAL_STATE;
          let low: number | null = null;
          let prev: number | null = null;
          let clearedSinceFire = true;
          prices.forEach((price, i) => {
            const other = others[i] ?? null;
            const o = obs({
              price,
              previousPrice: prev,
              hasPrevious: i > 0,
              lowestBefore: low,
              others: other === null ? [] : [{ marketplace: 'x', price: other }],
            });
            const e = evaluateRule(r, o, state, at(i * 10));
            if (e.fire) {
              assert.ok(clearedSinceFire, `fired twice without clearing (scrape ${i})`);
              assert.equal(e.measure.standing, 'active');
              clearedSinceFire = false;
            }
            if (e.measure.standing === 'cleared') clearedSinceFire = true;
            // Firing and arming agree: armed after a clear, disarmed after a fire.
            if (e.fire) assert.equal(e.state.armed, false);
            if (e.measure.standing === 'cleared') assert.equal(e.state.armed, true);
            state = e.state;
            prev = price;
            if (price !== null) low = low === null ? price : Math.min(low, price);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('an armed rule fires exactly when its condition is active', () => {
    fc.assert(
      fc.property(conditionArb, priceArb, priceArb, priceArb, (cond, price, previousPrice, other) => {
        const o = obs({
          price,
          previousPrice,
          lowestBefore: previousPrice,
          others: other === null ? [] : [{ marketplace: 'x', price: other }],
        });
        const e = evaluateRule(rule(cond), o, INITIAL_STATE, at(0));
        assert.equal(e.fire, e.measure.standing === 'active');
      }),
      { numRuns: 1000 },
    );
  });
});
