import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { MarketplaceName } from '../../src/domain/listing';
import { PAYLOAD_PARSERS } from '../../src/marketplaces/index';
import { describeParse, type ParseReport } from '../../src/marketplaces/describe';
import { PayloadShapeError } from '../../src/marketplaces/errors';

/**
 * Payloads a new-user trial tried (test/fixtures/marketplaces/trial, origins in the fixtures' README):
 * each figure means one thing on every marketplace, renamed or missing fields and impossible
 * figures are format drift, and a payload of the wrong outer shape says what it looks like.
 */
const read = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, '../fixtures/marketplaces/trial', name), 'utf8')) as unknown;
/** The report on the base basis, with the all-in figures of the all-in report beside it (allIn*). */
const report = (
  marketplace: MarketplaceName,
  name: string,
): ParseReport & { allInLowest: number | null; allInAverage: number | null; allInHighest: number | null } => {
  const fetched = PAYLOAD_PARSERS[marketplace](read(name));
  const base = describeParse(marketplace, fetched, undefined, 'base');
  const allIn = describeParse(marketplace, fetched, undefined, 'all-in');
  assert.deepEqual([base.basis, allIn.basis], ['base', 'all-in']);
  return { ...base, allInLowest: allIn.lowest, allInAverage: allIn.average, allInHighest: allIn.highest };
};
const shapeError = (marketplace: MarketplaceName, name: string, reason: RegExp, field = ''): void => {
  assert.throws(
    () => PAYLOAD_PARSERS[marketplace](read(name)),
    (err: unknown) => {
      assert.ok(err instanceof PayloadShapeError, String(err));
      assert.equal(err.path, field);
      assert.match(err.reason, reason);
      return true;
    },
  );
};

describe('SeatGeek payloads from the trial', () => {
  it('stores lowest_sg_base_price as the price before fees and lowest/average/highest_price as all-in, nothing pre-fee invented', () => {
    const r = report('seatgeek', 'sg_event0.json');
    assert.deepEqual([r.lowest, r.average, r.highest], [141, null, null]);
    assert.deepEqual([r.allInLowest, r.allInAverage, r.allInHighest], [187, 360, 619]);
    assert.equal(r.health, 'ok');
  });
  it('stats renamed to statistics is format drift naming stats and what was found', () => {
    const r = report('seatgeek', 'sg_mut_rename_stats.json');
    assert.equal(r.healthy, false);
    assert.match(r.health, /^format-drift: missing stats .*found .*statistics/);
  });
  it('lowest_price renamed is format drift naming stats.lowest_price', () => {
    const r = report('seatgeek', 'sg_mut_rename_lowest.json');
    assert.deepEqual(
      r.missing.map((m) => m.path),
      ['stats.lowest_price'],
    );
    assert.equal(r.allInLowest, null);
    assert.equal(r.healthy, false);
  });
  it('lowest above highest: both skipped with the reason, and the scrape is format drift', () => {
    const r = report('seatgeek', 'sg_mut_low_gt_high.json');
    assert.deepEqual([r.allInLowest, r.allInHighest], [null, null]);
    assert.equal(r.skipped, 2);
    assert.ok(r.skippedByReason.every((k) => /impossible figure \(lowest above highest\)/.test(k.kind)));
    assert.equal(r.healthy, false);
  });
  it('figures as text are "not a number", with the value and the path', () => {
    shapeError('seatgeek', 'sg_mut_strings.json', /^not a number: got "\d+"$/, 'stats.lowest_price');
  });
  it('a search response is refused saying what it is and what was expected', () => {
    shapeError('seatgeek', 'sg_search.json', /expected a SeatGeek event object.*got a search response .*`events`.*\(2 item\(s\)\)/);
  });
});

describe('Ticketmaster payloads from the trial', () => {
  it('a real event: standard range as price before fees, health ok', () => {
    const r = report('ticketmaster', 'tm_event1.json');
    assert.deepEqual([r.lowest, r.highest, r.allInLowest, r.currency, r.health], [97.5, 1205, null, 'USD', 'ok']);
  });
  it('an event without priceRanges is a genuine absence, not drift', () => {
    const r = report('ticketmaster', 'tm_event0.json');
    assert.deepEqual([r.lowest, r.health, r.missing], [null, 'ok', []]);
  });
  it('standard and standard including fees land in price and all-in', () => {
    const r = report('ticketmaster', 'tm_mut_both.json');
    assert.deepEqual([r.lowest, r.highest, r.allInLowest, r.allInHighest], [97.5, 1205, 117.3, 1402.15]);
  });
  for (const [name, why] of [
    ['tm_mut_renamed_minmax.json', /priceRanges\[\]\.min\/max: missing/],
    ['tm_mut_other_type.json', /other type/],
    ['tm_mut_strings.json', /priceRanges\[\]\.min: wrong type/],
    ['tm_mut_no_currency.json', /priceRanges\[\]\.currency: missing/],
    ['tm_mut_renamed_array.json', /missing priceRanges .*found priceRange\b/],
  ] as const) {
    it(`${name}: format drift (${why.source})`, () => {
      const r = report('ticketmaster', name);
      assert.equal(r.healthy, false, r.health);
      assert.match(r.health, why);
      assert.equal(r.lowest, null);
    });
  }
  it('two currencies: neither chosen (by order or otherwise), every range skipped with the reason, format drift', () => {
    const r = report('ticketmaster', 'tm_mut_two_currencies.json');
    assert.deepEqual([r.lowest, r.highest], [null, null]);
    assert.deepEqual(r.skippedByReason, [{ kind: 'priceRanges[].currency: several currencies', count: 2 }]);
    assert.equal(r.healthy, false);
  });
  it('a Discovery search response is refused saying what it is', () => {
    shapeError(
      'ticketmaster',
      'tm_search.json',
      /expected a Ticketmaster Discovery event object.*got a Discovery search response with `_embedded.events`/,
    );
  });
});

describe('Vivid Seats payloads from the trial', () => {
  it('real layout: p is the price before fees, allInPricePerTicket the all-in', () => {
    const r = report('vividseats', 'vs_real18.json');
    assert.deepEqual([r.parsed, r.lowest, r.allInLowest, r.currency, r.health], [18, 200, 240, 'USD', 'ok']);
  });
  it('a declared listing count far from the parsed one is format drift', () => {
    assert.match(
      report('vividseats', 'vs_real18_declared833.json').health,
      /^format-drift: the marketplace declares 833 listings, 18 parsed/,
    );
  });
  it('the all-in field renamed on every ticket is format drift, not empty all-in figures with health ok', () => {
    const r = report('vividseats', 'vs_mut_rename_aip.json');
    assert.deepEqual(
      r.missing.map((m) => m.path),
      ['tickets[].allInPricePerTicket'],
    );
    assert.match(r.health, /found allInPrice/);
  });
  it('p renamed: every ticket skipped as "missing" (not "invalid input"), format drift', () => {
    const r = report('vividseats', 'vs_mut_rename_p.json');
    assert.deepEqual(r.skippedByReason, [{ kind: 'tickets[].p: missing', count: 18 }]);
    assert.equal(r.healthy, false);
  });
  it('a price before fees above the all-in price is skipped with the reason', () => {
    const r = report('vividseats', 'vs_mut_p_gt_aip.json');
    assert.equal(r.parsed, 17);
    assert.deepEqual(r.skippedByReason, [{ kind: 'tickets[]: impossible figure (before fees above all-in)', count: 1 }]);
    // The listing at 220.35 a ticket (the pair at 440.70) is the one whose p became 22035.
    assert.equal(r.lowestFor2, 460.2);
  });
  it('a negative price is skipped with the reason', () => {
    const r = report('vividseats', 'vs_mut_negative.json');
    assert.deepEqual(r.skippedByReason, [{ kind: 'normalized basePrice: must be positive', count: 1 }]);
  });
});

describe('Vivid Seats i18n conversion from the trial', () => {
  it('{to: EUR, applyCurrencyConversion: true} is not labelled EUR (or USD) by guess: every ticket skipped with the reason, format drift', () => {
    const r = report('vividseats', 'vs_mut_eur_conv.json');
    assert.equal(r.parsed, 0);
    assert.deepEqual(r.skippedByReason, [{ kind: 'i18n: currency unknown (conversion)', count: 18 }]);
    assert.equal(r.healthy, false);
  });
});

describe('StubHub payloads from the trial', () => {
  it('an object wrapping listings under `items` is refused saying what it holds and what was expected', () => {
    shapeError(
      'stubhub',
      'sh_mut_wrapped.json',
      /expected StubHub Pro comparable listings .* or a Catalog API event .*; got an object with `items`/,
    );
  });
});
