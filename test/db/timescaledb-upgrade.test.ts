import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { history } from '../../src/db/analytics/history';
import { loadMigrations, migrate } from '../../src/db/migrate';
import { applyRetention } from '../../src/db/retention';
import { rollupDaily, rollupHourly } from '../../src/db/rollup';
import { parseBucket } from '../../src/domain/buckets';
import { createTestDatabase, pausePolicies, timescaleSkipReason, type TestDatabase } from '../helpers/db';
import { skipOrFail } from '../helpers/skip';
import { storeAsBefore } from '../fixtures/db/before-price-basis';
import { createEvent, makeListings } from '../fixtures/db/data';

/**
 * A TimescaleDB deployment made before migration 040 (rollups as continuous aggregates) upgrades
 * in place: what the aggregates had materialized is kept, the hours they missed are recomputed,
 * and from then on the rollups are the same tables the plain layout has.
 */
describe('upgrading a TimescaleDB deployment from continuous aggregates (migration 040)', () => {
  let skip: string | null = null;
  let t: TestDatabase | undefined;
  before(async () => {
    skip = await timescaleSkipReason();
    if (skip === null) t = await createTestDatabase({ layout: 'timescaledb', migrate: false });
  });
  after(async () => t?.drop());

  it('keeps materialized rollups, recomputes the rest, and leaves tables and no refresh policies', async (ctx) => {
    if (skip !== null || !t) return skipOrFail(ctx, skip ?? 'no database');
    const db = t.db;
    // Before 040; the scrapes below are written as the code of then wrote them (one price per
    // listing, base-only snapshots: test/fixtures/db/before-price-basis.ts).
    await migrate(
      db,
      loadMigrations().filter((m) => m.version < 40),
    );
    await pausePolicies(db);
    const eventId = await createEvent(db, 'upgrade');
    const day1 = new Date('2026-02-02T10:00:00Z');
    const day2 = new Date('2026-02-03T10:00:00Z');
    const friday = new Date('2026-01-30T10:00:00Z');
    await storeAsBefore(db, eventId, 'vividseats', makeListings(30, 1), 'u1', day1);
    // A Friday, in the same week-long chunk as day1 (chunks of 004 start on Thursdays: 2026-01-29).
    await storeAsBefore(db, eventId, 'vividseats', makeListings(20, 3), 'u0', friday);
    await db.query(`CALL refresh_continuous_aggregate('rollup_hourly', NULL, NULL)`);
    await db.query(`CALL refresh_continuous_aggregate('rollup_daily', NULL, NULL)`);
    const before = (await db.query(`SELECT * FROM rollup_daily ORDER BY zone`)).rows;
    assert.ok(before.length > 0);
    // Late data the aggregates never saw.
    await storeAsBefore(db, eventId, 'vividseats', makeListings(30, 2), 'u2', day2);

    // Old chunks are compressed by then, as the compression policy would have done.
    await db.query(`SELECT compress_chunk(c) FROM show_chunks('listings') c`);
    const chunks = await db.query<{ range_start: Date; is_compressed: boolean }>(
      `SELECT range_start, is_compressed FROM timescaledb_information.chunks WHERE hypertable_name = 'listings'`,
    );
    assert.deepEqual(
      chunks.rows,
      [{ range_start: new Date('2026-01-29T00:00:00Z'), is_compressed: true }],
      'one week-long chunk from a Thursday',
    );

    await migrate(db);
    const kinds = await db.query<{ relname: string; relkind: string }>(
      `SELECT relname, relkind::text FROM pg_class WHERE relname IN ('rollup_hourly', 'rollup_daily') ORDER BY relname`,
    );
    assert.deepEqual(kinds.rows, [
      { relname: 'rollup_daily', relkind: 'r' },
      { relname: 'rollup_hourly', relkind: 'r' },
    ]);
    // The figures they had (before fees), kept; 090 added the all-in ones from the same snapshots.
    const after = (await db.query<Record<string, unknown>>(`SELECT * FROM rollup_daily ORDER BY zone`)).rows;
    assert.deepEqual(
      after.map((r) => Object.fromEntries(Object.keys(before[0]!).map((k) => [k, r[k]]))),
      before,
      'materialized rows kept as they were',
    );
    assert.ok(
      after.every((r) => r.all_in_min_price !== null),
      'all-in figures added',
    );
    const jobs = await db.query<{ proc_name: string }>(
      `SELECT proc_name FROM timescaledb_information.jobs WHERE job_id >= 1000 ORDER BY proc_name`,
    );
    assert.deepEqual(
      jobs.rows.map((j) => j.proc_name),
      ['policy_compression', 'policy_compression'],
    );
    const interval = await db.query<{ i: string }>(
      `SELECT time_interval::text AS i FROM timescaledb_information.dimensions WHERE hypertable_name = 'listings'`,
    );
    assert.deepEqual(interval.rows, [{ i: '1 day' }]);

    // The next schedules' runs, over windows that do not include the late day, still bring it in.
    const window = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-01T01:00:00Z') };
    await rollupHourly(db, window);
    await rollupDaily(db, window);
    const days = await history(db, { eventId, from: day1, to: new Date('2026-02-05T00:00:00Z'), bucket: parseBucket('1 day') });
    assert.deepEqual(
      days.map((d) => [d.bucket.toISOString().slice(0, 10), d.samples]),
      [
        ['2026-02-02', 1],
        ['2026-02-03', 1],
      ],
    );
    // Retention's cutoff is Monday 2026-02-02, inside that old Thursday-to-Thursday compressed
    // chunk: the rows before it move to the archive, the rest stay, as in the plain layout.
    const r = await applyRetention(db, { rawDays: 30, hourlyDays: 365, cyclesDays: 90, errorsDays: 30 }, new Date('2026-03-04T12:00:00Z'));
    assert.equal(r.archiveCutoff.toISOString(), '2026-02-02T00:00:00.000Z');
    const count = async (sql: string): Promise<number> => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
    assert.equal(await count(`SELECT count(*) AS n FROM listings_archive`), 20);
    assert.equal(await count(`SELECT count(*) AS n FROM listings WHERE captured_at < '2026-02-02'`), 0);
    assert.equal(await count(`SELECT count(*) AS n FROM listings`), 60);
    assert.equal(r.archivedRows, 20 + (await count(`SELECT count(*) AS n FROM ticket_snapshots_archive`)));
    await db.query('DELETE FROM events WHERE id = $1', [eventId]);
    const left = await db.query<{ n: string }>(`SELECT (SELECT count(*) FROM rollup_hourly) + (SELECT count(*) FROM rollup_daily) AS n`);
    assert.equal(Number(left.rows[0]!.n), 0, 'deleting the event deletes its rollups');
  });
});
