import assert from 'node:assert/strict';
import { persistScrape } from '../../src/scrape/store';
import { applyRetention } from '../../src/db/retention';
import { runCli, type CliRun } from '../helpers/cli';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent, makeListings } from '../fixtures/db/data';

const DAY = 86_400_000;

/** The CLI in-process (main(argv, io)) against the test's database. */
function cli(url: string, ...args: string[]): Promise<CliRun> {
  return runCli(args, { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' });
}

describeLayouts('db status', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ layout });
    const eventId = await createEvent(t.db, 'status');
    const now = Date.now();
    for (const [i, age] of [20, 19, 2].entries()) {
      await persistScrape(t.db, {
        scrapeId: `st-${i}`,
        eventId,
        marketplace: 'stubhub',
        capturedAt: new Date(now - age * DAY),
        fetched: { kind: 'listings', listings: makeListings(500, i + 1), skipped: [] },
      });
    }
    // The maintenance path compresses explicitly (the policies are a second line).
    await applyRetention(t.db, { rawDays: 120, hourlyDays: 180, cyclesDays: 90, errorsDays: 30 }, new Date(now));
  });
  after(async () => t?.drop());

  it('shows the storage mode, and in TimescaleDB mode hypertables, chunks, compression and policies with their last run', async () => {
    const json = await cli(t.url, 'db', 'status', '--json');
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as {
      storageMode: { mode: string };
      timescaledb: null | {
        hypertables: { hypertable: string; chunks: number; compressedChunks: number; compressionRatio: number | null }[];
        policies: {
          policy: string;
          hypertable: string;
          scheduled: boolean;
          lastRunStatus: string | null;
          lastRunStartedAt: string | null;
          lastError: string | null;
        }[];
      };
      migrations: { version: number; state: string }[];
    };
    assert.equal(parsed.storageMode.mode, layout);
    assert.ok(parsed.migrations.every((m) => m.state === 'applied'));
    const text = await cli(t.url, 'db', 'status');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^storage mode: ${layout}`, 'm'));
    if (layout === 'plain') {
      assert.equal(parsed.timescaledb, null);
      assert.doesNotMatch(text.stdout, /hypertable/);
      return;
    }
    const ts = parsed.timescaledb!;
    const listings = ts.hypertables.find((h) => h.hypertable === 'listings')!;
    // Day-long chunks: one per scrape day; the two scrapes older than 14 days are compressed.
    assert.deepEqual([listings.chunks, listings.compressedChunks], [3, 2]);
    assert.ok(listings.compressionRatio !== null && listings.compressionRatio > 1, `ratio ${listings.compressionRatio}`);
    // Policies: both compression policies, paused by the test helper. Their last run is whatever the
    // background scheduler did right after the migration (on PostgreSQL 15.x with 2.17.2 it fails with
    // "cannot drop portal"; CALL run_job is not recorded in job_stats), shown as TimescaleDB records it.
    assert.deepEqual(
      ts.policies.map((p) => [p.policy, p.hypertable, p.scheduled]),
      [
        ['policy_compression', 'listings', false],
        ['policy_compression', 'ticket_snapshots', false],
      ],
    );
    const stats = await t.db.query<{ hypertable_name: string; last_run_status: string | null; started: Date | null; err: string | null }>(
      `SELECT j.hypertable_name, s.last_run_status, CASE WHEN isfinite(s.last_run_started_at) THEN s.last_run_started_at END AS started,
              (SELECT e.err_message FROM timescaledb_information.job_errors e WHERE e.job_id = j.job_id ORDER BY e.finish_time DESC LIMIT 1) AS err
         FROM timescaledb_information.jobs j LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id WHERE j.job_id >= 1000 ORDER BY 1`,
    );
    assert.deepEqual(
      ts.policies.map((p) => [p.hypertable, p.lastRunStatus, p.lastRunStartedAt, p.lastError]),
      stats.rows.map((r) => [r.hypertable_name, r.last_run_status, r.started?.toISOString() ?? null, r.err]),
    );
    for (const r of stats.rows) if (r.err) assert.ok(text.stdout.includes(r.err), `the last error is shown: ${r.err}`);
    assert.match(text.stdout, /^listings\s+3\s+2\s/m);
    assert.match(text.stdout, /^\s*\d+\s+policy_compression\s+listings\s+12:00:00\s+no\s/m);
  });
});
