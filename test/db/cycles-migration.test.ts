import assert from 'node:assert/strict';
import { listCycles, listScrapeErrors, recordCycleEnd } from '../../src/db/cycles';
import { loadMigrations, migrate } from '../../src/db/migrate';
import type { Db } from '../../src/db/pool';
import { createTestDatabase, describeLayouts, pausePolicies, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';

/**
 * Migration 080 renames the record of cycles (scrape_runs.job_id -> cycles.cycle_id, and
 * scrape_errors.job_id -> cycle_id) in a database that already has rows: every row stays, under
 * the new names, with its constraints and index renamed along, in both storage layouts.
 */
const CYCLES_MIGRATION = 80;

const names = async (db: Db, sql: string): Promise<string[]> => (await db.query<{ name: string }>(sql)).rows.map((r) => r.name);

describeLayouts('migration 080: scrape_runs becomes cycles, job_id becomes cycle_id', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let eventId: number;
  before(async () => {
    t = await createTestDatabase({ layout, migrate: false });
    const storageMode = layout === 'plain' ? 'plain' : 'auto';
    await migrate(
      t.db,
      loadMigrations().filter((m) => m.version < CYCLES_MIGRATION),
      { storageMode },
    );
    if (layout === 'timescaledb') await pausePolicies(t.db);
    eventId = await createEvent(t.db, 'before-080');
    await t.db.query(
      `INSERT INTO scrape_runs (job_id, status, started_at, finished_at, events_scraped, errors_count, duration_ms, details) VALUES
         ('tracker/2026-04-01T10:00:00.000Z', 'partial', '2026-04-01T10:00:00Z', '2026-04-01T10:01:30Z', 12, 1, 90000, '{"marketplacesEmpty": 1}'),
         ('scrape-1/2026-04-01T11:00:00.000Z', 'running', '2026-04-01T11:00:00Z', NULL, 0, 0, NULL, NULL)`,
    );
    await t.db.query(
      `INSERT INTO scrape_errors (job_id, event_id, marketplace, attempt, message, occurred_at, dedupe_key) VALUES
         ('tracker/2026-04-01T10:00:00.000Z', $1, 'stubhub', 1, 'HTTP 503', '2026-04-01T10:00:30Z', 'tracker/2026-04-01T10:00:00.000Z|${eventId}|stubhub|1'),
         (NULL, NULL, NULL, 1, 'catalog unreadable', '2026-04-01T10:00:05Z', NULL)`,
      [eventId],
    );
    await migrate(t.db, undefined, { storageMode });
  });
  after(async () => t?.drop());

  it('keeps every cycle and every error, under the new names', async () => {
    const cycles = await t.db.query(
      `SELECT cycle_id, status, started_at, finished_at, events_scraped, errors_count, duration_ms::int AS duration_ms, details
         FROM cycles ORDER BY started_at`,
    );
    assert.deepEqual(cycles.rows, [
      {
        cycle_id: 'tracker/2026-04-01T10:00:00.000Z',
        status: 'partial',
        started_at: new Date('2026-04-01T10:00:00Z'),
        finished_at: new Date('2026-04-01T10:01:30Z'),
        events_scraped: 12,
        errors_count: 1,
        duration_ms: 90000,
        details: { marketplacesEmpty: 1 },
      },
      {
        cycle_id: 'scrape-1/2026-04-01T11:00:00.000Z',
        status: 'running',
        started_at: new Date('2026-04-01T11:00:00Z'),
        finished_at: null,
        events_scraped: 0,
        errors_count: 0,
        duration_ms: null,
        details: null,
      },
    ]);
    const errors = await listScrapeErrors(t.db, new Date('2026-04-01T00:00:00Z'));
    assert.deepEqual(
      errors.map((e) => [e.cycleId, e.eventId, e.marketplace, e.attempt, e.message]),
      [
        ['tracker/2026-04-01T10:00:00.000Z', eventId, 'stubhub', 1, 'HTTP 503'],
        [null, null, null, 1, 'catalog unreadable'],
      ],
    );
  });

  it('leaves no table, column, constraint, index or sequence under the old names', async () => {
    assert.deepEqual(await names(t.db, `SELECT to_regclass('scrape_runs')::text AS name WHERE to_regclass('scrape_runs') IS NOT NULL`), []);
    assert.deepEqual(
      await names(
        t.db,
        `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
          WHERE table_schema = current_schema() AND column_name = 'job_id' ORDER BY 1`,
      ),
      [],
    );
    assert.deepEqual(await names(t.db, `SELECT conname AS name FROM pg_constraint WHERE conrelid = 'cycles'::regclass ORDER BY 1`), [
      'cycles_cycle_id_check',
      'cycles_cycle_id_key',
      'cycles_duration_ms_check',
      'cycles_errors_count_check',
      'cycles_events_scraped_check',
      'cycles_pkey',
      'cycles_status_check',
    ]);
    assert.deepEqual(await names(t.db, `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'cycles' ORDER BY 1`), [
      'cycles_cycle_id_key',
      'cycles_pkey',
      'cycles_started_idx',
    ]);
    assert.deepEqual(await names(t.db, `SELECT pg_get_serial_sequence('cycles', 'id') AS name`), ['public.cycles_id_seq']);
  });

  it('goes on from there: the identity and the cycle id key work as before', async () => {
    // The upsert on cycle_id finds the running cycle recorded before the rename and finishes it.
    await recordCycleEnd(t.db, {
      cycleId: 'scrape-1/2026-04-01T11:00:00.000Z',
      status: 'succeeded',
      eventsScraped: 3,
      errors: 0,
      finishedAt: new Date('2026-04-01T11:00:20Z'),
    });
    const cycles = await listCycles(t.db, 10);
    assert.deepEqual(
      cycles.map((c) => [c.cycleId, c.status, c.durationMs]),
      [
        ['scrape-1/2026-04-01T11:00:00.000Z', 'succeeded', 20_000],
        ['tracker/2026-04-01T10:00:00.000Z', 'partial', 90_000],
      ],
    );
    // The identity sequence, renamed with its table, goes on after the ids of the rows kept.
    const kept = await t.db.query<{ id: string }>(`SELECT max(id) AS id FROM cycles`);
    const added = await t.db.query<{ id: string }>(
      `INSERT INTO cycles (cycle_id, status, started_at) VALUES ('c3', 'running', now()) RETURNING id`,
    );
    assert.ok(Number(added.rows[0]!.id) > Number(kept.rows[0]!.id), `new id ${added.rows[0]!.id} after ${kept.rows[0]!.id}`);
  });

  it('is harmless when run again', async () => {
    const m = loadMigrations().find((x) => x.version === CYCLES_MIGRATION)!;
    await t.db.query(m.sql);
    assert.equal(Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM cycles')).rows[0]!.n), 3);
  });
});
