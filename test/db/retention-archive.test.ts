import assert from 'node:assert/strict';
import { history } from '../../src/db/analytics/history';
import { archivedListings } from '../../src/db/analytics/latest';
import { persistScrape } from '../../src/scrape/store';
import { ensurePartitions, listPartitions } from '../../src/db/partitions';
import { applyRetention } from '../../src/db/retention';
import { rollupDaily, rollupHourly } from '../../src/db/rollup';
import { recordScrapeError, recordCycleStart } from '../../src/db/cycles';
import { parseBucket } from '../../src/domain/buckets';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent, makeListings } from '../fixtures/db/data';

const W1 = new Date('2025-06-02T12:00:00Z'); // a Monday: its week gets a partition
const STRAY = new Date('2025-05-01T12:00:00Z'); // no partition: lands in DEFAULT
const RECENT = new Date('2025-07-14T12:00:00Z');
const NOW = new Date('2025-07-20T00:00:00Z');
const DAY = 86_400_000;

describeLayouts('retention moves whole old partitions or chunks to a queryable archive', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let eventId: number;
  const n = async (sql: string): Promise<number> => Number((await t.db.query<{ n: string }>(sql)).rows[0]!.n);

  before(async () => {
    t = await createTestDatabase({ layout });
    eventId = await createEvent(t.db, 'retention');
    const client = await t.db.connect();
    try {
      if (layout === 'plain') await ensurePartitions(client, { from: W1, to: new Date(RECENT.getTime() + 7 * DAY) });
    } finally {
      client.release();
    }
    for (const [i, capturedAt] of [W1, STRAY, RECENT].entries()) {
      await persistScrape(t.db, {
        scrapeId: `ret-${i}`,
        eventId,
        marketplace: 'stubhub',
        capturedAt,
        fetched: { kind: 'listings', listings: makeListings(40, i + 1), skipped: [] },
      });
    }
    await rollupHourly(t.db, { from: STRAY, to: NOW });
    await rollupDaily(t.db, { from: STRAY, to: NOW });
    await recordCycleStart(t.db, { cycleId: 'old-run', startedAt: new Date(NOW.getTime() - 20 * DAY) });
    await recordCycleStart(t.db, { cycleId: 'new-run', startedAt: new Date(NOW.getTime() - DAY) });
    await recordScrapeError(t.db, {
      cycleId: 'old-run',
      eventId,
      marketplace: 'stubhub',
      attempt: 1,
      message: 'old',
      at: new Date(NOW.getTime() - 10 * DAY),
    });
    await recordScrapeError(t.db, {
      cycleId: 'new-run',
      eventId,
      marketplace: 'stubhub',
      attempt: 1,
      message: 'new',
      at: new Date(NOW.getTime() - DAY),
    });
  });
  after(async () => t?.drop());

  it('archives, deletes by policy, keeps daily rollups, and a second run finds nothing to do', async () => {
    const policy = { rawDays: 30, hourlyDays: 45, cyclesDays: 10, errorsDays: 5 };
    const r = await applyRetention(t.db, policy, NOW);
    assert.equal(r.mode, layout);
    // now - 30 days is Friday 2025-06-20: the cutoff is the Monday before, in both layouts, so
    // weeks ending on or before 2025-06-16 move, whole; the week of RECENT stays.
    assert.equal(r.archiveCutoff.toISOString(), '2025-06-16T00:00:00.000Z');
    if (layout === 'plain') {
      assert.deepEqual(r.archived.listings, ['listings_p20250602', 'listings_p20250609']);
      assert.deepEqual(r.archived.ticket_snapshots, ['ticket_snapshots_p20250602', 'ticket_snapshots_p20250609']);
      assert.ok((await listPartitions(t.db, 'listings_archive')).some((p) => p.name === 'listings_p20250602'));
    } else {
      assert.equal(r.archived.listings!.length, 2, 'the chunks of STRAY and W1');
      assert.equal(r.archived.ticket_snapshots!.length, 2);
      assert.equal(r.chunksCompressed, 0, 'the old chunks went to the archive; the chunk of RECENT is 6 days old');
    }
    // Rows, not partitions or chunks, in both layouts (stray rows of the DEFAULT partitions too).
    assert.equal(
      r.archivedRows,
      (await n(`SELECT count(*) AS n FROM listings_archive`)) + (await n(`SELECT count(*) AS n FROM ticket_snapshots_archive`)),
    );
    assert.deepEqual([r.cyclesDeleted, r.errorsDeleted], [1, 1]);
    // Hourly rollups before now - 45 days (2025-06-05) go row by row: those of STRAY and W1.
    assert.equal(r.hourlyDeleted, await n(`SELECT count(*) AS n FROM rollup_daily WHERE bucket < '2025-06-05'`));
    assert.equal(await n(`SELECT count(*) AS n FROM listings WHERE captured_at < '2025-06-20'`), 0);
    assert.equal(await n(`SELECT count(*) AS n FROM listings`), 40);
    assert.equal(await n(`SELECT count(*) AS n FROM ticket_snapshots WHERE captured_at < '2025-06-20'`), 0);
    // The archive answers like the live table.
    const archived = await archivedListings(t.db, eventId, new Date('2025-04-01'), new Date('2025-06-30'));
    assert.equal(archived.length, 80);
    assert.deepEqual(new Set(archived.map((l) => l.capturedAt.toISOString())), new Set([W1.toISOString(), STRAY.toISOString()]));
    assert.equal((await n(`SELECT count(*) AS n FROM ticket_snapshots_archive`)) > 0, true);
    // Daily rollups are kept forever: old history still answers.
    const old = await history(t.db, { eventId, from: STRAY, to: NOW, bucket: parseBucket('1 day') });
    assert.deepEqual(
      old.map((h) => h.bucket.toISOString().slice(0, 10)),
      ['2025-05-01', '2025-06-02', '2025-07-14'],
    );
    assert.equal(await n(`SELECT count(*) AS n FROM rollup_hourly WHERE bucket < '2025-06-05'`), 0);
    // Rolling up an archived period again keeps what was rolled up.
    await rollupDaily(t.db, { from: STRAY, to: NOW });
    assert.equal((await history(t.db, { eventId, from: STRAY, to: NOW, bucket: parseBucket('1 day') })).length, 3);
    const again = await applyRetention(t.db, policy, NOW);
    assert.deepEqual(
      [again.archived.listings, again.archived.ticket_snapshots, again.archivedRows, again.cyclesDeleted, again.errorsDeleted],
      [[], [], 0, 0, 0],
    );
  });

  it('deleting an event deletes its raw listings, live and archived, and its rollups', async () => {
    await t.db.query('DELETE FROM events WHERE id = $1', [eventId]);
    assert.equal(await n(`SELECT count(*) AS n FROM listings`), 0);
    assert.equal(await n(`SELECT count(*) AS n FROM listings_archive`), 0);
    assert.equal(await n(`SELECT count(*) AS n FROM ticket_snapshots`), 0);
    assert.equal(await n(`SELECT (SELECT count(*) FROM rollup_hourly) + (SELECT count(*) FROM rollup_daily) AS n`), 0, 'and its rollups');
  });
});
