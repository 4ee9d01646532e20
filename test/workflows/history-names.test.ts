import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueEventSchema, scrapeEventInputSchema, trackerInputSchema } from '../../src/domain/tracker';

/**
 * Workflows started before the glossary's names recorded `jobId` and an event's `sources` in their
 * inputs and activity results; they must read the same after the rename (the replay test replays
 * such histories: test/fixtures/histories/*-before-renames.json).
 */
describe('inputs recorded under the names before the glossary', () => {
  const marketplaceIds = [{ marketplace: 'stubhub', marketplaceEventId: '104823456' }];

  it('reads a scrapeEvent input with jobId and event.sources as cycleId and marketplaceIds', () => {
    const parsed = scrapeEventInputSchema().parse({
      event: { id: 7, name: 'Replay Night', startsAt: null, sources: marketplaceIds },
      jobId: 'tracker/2026-11-30T00:00:00.000Z',
    });
    assert.equal(parsed.cycleId, 'tracker/2026-11-30T00:00:00.000Z');
    assert.deepEqual(parsed.event.marketplaceIds, marketplaceIds);
    assert.ok(!('jobId' in parsed) && !('sources' in parsed.event));
  });

  it('prefers the current name when a value carries both', () => {
    const parsed = dueEventSchema().parse({ id: 1, name: 'x', startsAt: null, marketplaceIds, sources: [] });
    assert.deepEqual(parsed.marketplaceIds, marketplaceIds);
  });

  it('reads a tracker state whose last cycle summary has jobId', () => {
    const lastCycle = {
      cycle: 3,
      jobId: 'tracker/2026-11-29T12:00:00.000Z',
      startedAt: '2026-11-29T12:00:00.000Z',
      finishedAt: '2026-11-29T12:01:00.000Z',
      eventsDue: 2,
      eventsScraped: 2,
      eventsFailed: 0,
      marketplacesOk: 8,
      marketplacesFailed: 0,
      listingsStored: 900,
      catalogError: null,
    };
    const parsed = trackerInputSchema().parse({ state: { cycle: 3, lastCycle } });
    assert.equal(parsed.state.lastCycle?.cycleId, 'tracker/2026-11-29T12:00:00.000Z');
  });

  it('still names what is missing in an input that has neither name', () => {
    const r = scrapeEventInputSchema().safeParse({ event: { id: 7, name: 'x', startsAt: null, sources: marketplaceIds } });
    assert.equal(r.success, false);
    assert.match(String(r.error?.issues.map((i) => i.path.join('.'))), /cycleId/);
  });
});
