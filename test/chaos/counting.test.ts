import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxRateRatio, parseScrapeKey, servedFor, tallyScrapes, type StoredScrape } from '../../scripts/chaos/count';
import { drawPlan } from '../../scripts/chaos/plan';

const scrape = (key: string, rows = 3, ids = rows, stored = rows): StoredScrape => {
  const k = parseScrapeKey(key)!;
  return {
    scrapeKey: key,
    eventId: k.eventId,
    marketplace: k.marketplace as StoredScrape['marketplace'],
    listingsStored: stored,
    listingsRejected: 0,
    listingRows: rows,
    distinctListingIds: ids,
    served: rows,
  };
};

describe('chaos counting', () => {
  it('reads the cycle, event and marketplace out of a scrape key', () => {
    assert.deepEqual(parseScrapeKey('chaos-cycle-3/2026-11-30T21:00:00.000Z/17/stubhub'), {
      workflowId: 'chaos-cycle-3',
      startedAt: '2026-11-30T21:00:00.000Z',
      eventId: 17,
      marketplace: 'stubhub',
    });
    assert.equal(parseScrapeKey('nonsense'), null);
  });

  it('counts stored once, missing (healthy or faulted) and doubled scrapes per cycle', () => {
    const t = tallyScrapes(
      [
        {
          workflowId: 'chaos-cycle-1',
          expected: [
            { eventId: 1, marketplace: 'stubhub' },
            { eventId: 1, marketplace: 'seatgeek' },
            { eventId: 2, marketplace: 'stubhub' },
          ],
          faulted: ['seatgeek'],
          completed: true,
        },
        { workflowId: 'chaos-cycle-2', expected: [{ eventId: 2, marketplace: 'vividseats' }], faulted: [], completed: true },
      ],
      [
        scrape('chaos-cycle-1/t0/1/stubhub'),
        // the same pair of the same cycle under a second start time: a cycle started twice
        scrape('chaos-cycle-1/t1/1/stubhub'),
        scrape('chaos-cycle-2/t2/2/vividseats', 5, 4, 5),
      ],
    );
    assert.equal(t.cycles, 2);
    assert.equal(t.scrapesExpected, 4);
    assert.equal(t.scrapesMissing, 1, 'event 2 on stubhub in cycle 1');
    assert.equal(t.scrapesMissingFaulted, 1, 'seatgeek was under faults');
    assert.equal(t.scrapesDuplicated, 1);
    assert.equal(t.listingsDuplicated, 1, 'five rows for four listing ids');
    assert.ok(t.examples.some((e) => e.includes('chaos-cycle-1/2/stubhub: missing')));
  });

  it("counts each of a tracker loop's cycles apart, though they share the loop's workflow id", () => {
    const t = tallyScrapes(
      [
        { workflowId: 'tracker', startedAt: 't0', expected: [{ eventId: 1, marketplace: 'stubhub' }], faulted: [], completed: true },
        { workflowId: 'tracker', startedAt: 't1', expected: [{ eventId: 1, marketplace: 'stubhub' }], faulted: [], completed: true },
        { workflowId: 'tracker', startedAt: 't2', expected: [{ eventId: 1, marketplace: 'stubhub' }], faulted: [], completed: true },
      ],
      [scrape('tracker/t0/1/stubhub'), scrape('tracker/t1/1/stubhub'), scrape('tracker/t1/1/stubhub')],
    );
    assert.equal(t.cycles, 3);
    assert.equal(t.scrapesStored, 2);
    assert.equal(t.scrapesDuplicated, 1, 'cycle t1 stored event 1 twice');
    assert.equal(t.scrapesMissing, 1, 'cycle t2 stored nothing');
    assert.deepEqual(t.examples.sort(), ['tracker/t1/1/stubhub: stored 2 times', 'tracker/t2/1/stubhub: missing']);
  });

  it('finds the busiest window of each marketplace against its rate', () => {
    const at = (ms: number, marketplace: 'stubhub' | 'seatgeek') => ({ at: ms, marketplace });
    const r = maxRateRatio(
      [at(0, 'stubhub'), at(400, 'stubhub'), at(999, 'stubhub'), at(1000, 'stubhub'), at(0, 'seatgeek'), at(5000, 'seatgeek')],
      { stubhub: 2, seatgeek: 5 },
    );
    assert.equal(r.byMarketplace.stubhub!.maxInWindow, 3);
    assert.equal(r.byMarketplace.stubhub!.ratio, 1.5);
    assert.equal(r.byMarketplace.seatgeek!.ratio, 0.2);
    assert.equal(r.overall, 1.5);
    assert.throws(() => maxRateRatio([at(0, 'stubhub')], {}), /no configured rate for marketplace "stubhub"/);
  });

  it('matches a stored scrape to the last answer served before it was captured', () => {
    const log = [
      { at: 10, marketplace: 'stubhub' as const, eventId: 'A', status: 200, items: 7, fault: null },
      { at: 20, marketplace: 'stubhub' as const, eventId: 'A', status: 503, items: 0, fault: 'status' as const },
      { at: 30, marketplace: 'stubhub' as const, eventId: 'A', status: 200, items: 9, fault: null },
    ];
    assert.equal(servedFor(log, 'stubhub', 'A', 25), 7);
    assert.equal(servedFor(log, 'stubhub', 'A', 35), 9);
    assert.equal(servedFor(log, 'stubhub', 'B', 35), null);
  });

  it('draws the same plan from the same seed, every kind the asked number of times', () => {
    const opts = {
      seed: 9,
      each: { killOne: 5, killBoth: 3, postgres: 3, temporal: 3, marketplace: 8 },
      postgresOutageSeconds: 60,
      httpTimeoutMs: 3000,
    };
    const a = drawPlan(opts);
    assert.deepEqual(a, drawPlan(opts));
    assert.equal(a.length, 22);
    assert.equal(a.filter((s) => s.kind === 'postgres-outage').length, 3);
    assert.notDeepEqual(a, drawPlan({ ...opts, seed: 10 }));
  });
});
