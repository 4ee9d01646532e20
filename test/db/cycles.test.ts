import assert from 'node:assert/strict';
import { countRecentErrors, recordCycleEnd, listScrapeErrors, listCycles, recordScrapeError, recordCycleStart } from '../../src/db/cycles';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';

describeLayouts('cycle records and scrape errors', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ layout });
  });
  after(async () => t?.drop());

  it('records a run once, with its outcome and duration, and lists runs newest first', async () => {
    const started = new Date('2026-04-01T10:00:00Z');
    await recordCycleStart(t.db, { cycleId: 'cycle-1', startedAt: started });
    await recordCycleStart(t.db, { cycleId: 'cycle-1', startedAt: new Date('2026-04-01T10:05:00Z') });
    const done = await recordCycleEnd(t.db, {
      cycleId: 'cycle-1',
      status: 'partial',
      eventsScraped: 12,
      errors: 2,
      finishedAt: new Date('2026-04-01T10:01:30Z'),
    });
    assert.deepEqual(
      [done.status, done.eventsScraped, done.errorsCount, done.durationMs, done.startedAt.toISOString()],
      ['partial', 12, 2, 90_000, started.toISOString()],
    );
    // An outcome whose start was lost still lands.
    await recordCycleEnd(t.db, {
      cycleId: 'cycle-2',
      status: 'succeeded',
      eventsScraped: 3,
      errors: 0,
      finishedAt: new Date('2026-04-01T12:00:10Z'),
      durationMs: 10_000,
    });
    const runs = await listCycles(t.db, 10);
    assert.deepEqual(
      runs.map((r) => [r.cycleId, r.startedAt.toISOString()]),
      [
        ['cycle-2', '2026-04-01T12:00:00.000Z'],
        ['cycle-1', started.toISOString()],
      ],
    );
  });

  it('records each failed attempt once and counts recent errors', async () => {
    const eventId = await createEvent(t.db, 'runs');
    const at = new Date('2026-04-01T10:00:00Z');
    assert.equal(
      await recordScrapeError(t.db, { cycleId: 'cycle-1', eventId, marketplace: 'stubhub', attempt: 1, message: 'HTTP 503', at }),
      true,
    );
    assert.equal(
      await recordScrapeError(t.db, { cycleId: 'cycle-1', eventId, marketplace: 'stubhub', attempt: 1, message: 'HTTP 503', at }),
      false,
    );
    assert.equal(
      await recordScrapeError(t.db, {
        cycleId: 'cycle-1',
        eventId,
        marketplace: 'stubhub',
        attempt: 2,
        message: 'timeout',
        at: new Date(at.getTime() + 60_000),
      }),
      true,
    );
    assert.equal(
      await recordScrapeError(t.db, { attempt: 1, message: 'catalog unreadable', at: new Date(at.getTime() - 7_200_000) }),
      true,
    );
    assert.equal(await countRecentErrors(t.db, new Date(at.getTime() - 3_600_000)), 2);
    const listed = await listScrapeErrors(t.db, new Date(at.getTime() - 86_400_000));
    assert.deepEqual(
      listed.map((e) => [e.message, e.attempt, e.eventId]),
      [
        ['timeout', 2, eventId],
        ['HTTP 503', 1, eventId],
        ['catalog unreadable', 1, null],
      ],
    );
  });
});
