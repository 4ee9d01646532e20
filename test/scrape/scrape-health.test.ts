import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessScrape, DEFAULT_SCRAPE_HEALTH, type ScrapeCounts } from '../../src/domain/scrape-health';

const skip = (n: number): ScrapeCounts['skipped'] =>
  Array.from({ length: n }, (_, i) => ({
    path: `tickets[${i}].c`,
    reason: 'zone "x" is not among the groups',
    kind: 'tickets[].c: zone not among groups',
  }));
const counts = (c: Partial<ScrapeCounts>): ScrapeCounts => ({
  kind: 'listings',
  items: 100,
  parsed: 100,
  stored: 100,
  skipped: [],
  previousStored: 100,
  ...c,
});

describe('scrape health: format drift and empty scrapes', () => {
  it('a skipped share of exactly the limit is fine; one item more is format drift, with the reasons counted', () => {
    assert.equal(assessScrape(counts({ parsed: 80, stored: 80, skipped: skip(20) })).status, 'ok');
    const h = assessScrape(counts({ parsed: 79, stored: 79, skipped: skip(21) }));
    assert.equal(h.status, 'format-drift');
    assert.match(h.reason!, /21 of 100 items skipped \(21 %, over 20 %\): 21 × tickets\[\]\.c: zone not among groups/);
    assert.equal(h.examples.length, 5);
  });

  it('the declared count more than the set share away from what parsed is format drift', () => {
    assert.equal(assessScrape(counts({ declared: { listings: 125, tickets: null } })).status, 'ok'); // 20 % apart
    const h = assessScrape(counts({ declared: { listings: 126, tickets: null } }));
    assert.equal(h.status, 'format-drift');
    assert.match(h.reason!, /declares 126 listings, 100 parsed/);
    // A payload that declares listings but carries none.
    assert.equal(assessScrape(counts({ items: 0, parsed: 0, stored: 0, declared: { listings: 40, tickets: 90 } })).status, 'format-drift');
  });

  it('the field case: 1 of 5 skipped and 4 of 5 declared parsed is not drift (20 % is the limit)', () => {
    assert.equal(
      assessScrape(counts({ items: 5, parsed: 4, stored: 4, skipped: skip(1), declared: { listings: 5, tickets: 15 } })).status,
      'ok',
    );
  });

  it('0 listings after a scrape with at least emptyAfter is marked empty; after a small one it is not', () => {
    const h = assessScrape(counts({ items: 0, parsed: 0, stored: 0, previousStored: 57 }));
    assert.deepEqual([h.status, h.reason], ['empty', '0 listings where the previous scrape stored 57']);
    assert.equal(
      assessScrape(counts({ items: 0, parsed: 0, stored: 0, previousStored: DEFAULT_SCRAPE_HEALTH.emptyAfter - 1 })).status,
      'ok',
    );
    assert.equal(assessScrape(counts({ items: 0, parsed: 0, stored: 0, previousStored: null })).status, 'ok');
  });

  it('thresholds are settings', () => {
    const strict = { ...DEFAULT_SCRAPE_HEALTH, maxSkippedShare: 0.05 };
    assert.equal(assessScrape(counts({ parsed: 94, stored: 94, skipped: skip(6) }), strict).status, 'format-drift');
  });

  it('a summary scrape is never "empty" (it has no listings to lose)', () => {
    assert.equal(assessScrape(counts({ kind: 'summary', items: 0, parsed: 0, stored: 0, previousStored: 500 })).status, 'ok');
  });

  it('a summary whose skipped share of figures is over the threshold is format drift', () => {
    assert.equal(assessScrape(counts({ kind: 'summary', items: 5, parsed: 0, stored: 0, skipped: skip(1) })).status, 'ok');
    assert.equal(assessScrape(counts({ kind: 'summary', items: 5, parsed: 0, stored: 0, skipped: skip(2) })).status, 'format-drift');
  });

  it('a field every capture carries, missing, is format drift for listings and summaries alike', () => {
    const missing = [{ path: 'stats', reason: 'every SeatGeek event carries stats' }];
    for (const kind of ['summary', 'listings'] as const) {
      const h = assessScrape(counts({ kind, items: 0, parsed: 0, stored: 0, missing }));
      assert.equal(h.status, 'format-drift');
      assert.match(h.reason ?? '', /missing stats/);
      assert.deepEqual(
        h.examples.map((e) => e.path),
        ['stats'],
      );
    }
  });
});
