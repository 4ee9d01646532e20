import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadMigrations, migrate } from '../../src/db/migrate';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * A migration that loses a deadlock (to a TimescaleDB policy job, in real life) is rolled back by
 * PostgreSQL and applied again from the start; the run goes on. Here the other party is a second
 * connection of the test taking the same two locks in the other order, a real deadlock that
 * PostgreSQL's detector resolves by failing the migration (it has waited longer).
 */
describe('a migration that loses a deadlock', () => {
  let t: TestDatabase;
  let dir: string;
  before(async () => {
    t = await createTestDatabase({ migrate: false });
    dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    await writeFile(path.join(dir, '001_tables.sql'), 'CREATE TABLE first_locked (x int); CREATE TABLE second_locked (x int);');
    await writeFile(
      path.join(dir, '002_both_locks.sql'),
      'LOCK TABLE first_locked IN ACCESS EXCLUSIVE MODE; LOCK TABLE second_locked IN ACCESS EXCLUSIVE MODE; INSERT INTO first_locked VALUES (1);',
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await t?.drop();
  });

  it('is applied again and the run goes on', async () => {
    const all = loadMigrations(dir);
    await migrate(
      t.db,
      all.filter((m) => m.version === 1),
      { storageMode: 'plain' },
    );
    const other = await t.db.connect();
    try {
      await other.query('BEGIN');
      await other.query('LOCK TABLE second_locked IN ACCESS EXCLUSIVE MODE');
      // The migration takes first_locked, then waits for second_locked; 300 ms later the other
      // connection waits for first_locked: a cycle, found by the migration's backend (it waited first).
      const running = migrate(t.db, all, { storageMode: 'plain' });
      await new Promise((r) => setTimeout(r, 300));
      const otherDone = other.query('LOCK TABLE first_locked IN ACCESS EXCLUSIVE MODE').then(() => other.query('COMMIT'));
      const applied = await running;
      await otherDone;
      assert.deepEqual(
        applied.map((m) => m.version),
        [2],
      );
      const rows = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM first_locked');
      assert.equal(rows.rows[0]!.n, 1, 'applied once');
    } finally {
      other.release();
    }
  });
});
