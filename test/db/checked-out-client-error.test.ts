import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPool, type Db } from '../../src/db/pool';
import { isDatabaseUnavailable } from '../../src/db/unavailable';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * PostgreSQL ends a connection while its client is checked out from the pool and runs no query
 * (between two statements of a transaction): the chaos suite saw both workers die of the
 * unhandled 'error' event when PostgreSQL stopped. The error must be reported, not fatal, and the
 * client's next query must fail as "database unavailable", so the caller waits the outage out.
 */
describe('a connection error on a checked-out client', () => {
  let t: TestDatabase;
  let pool: Db;
  const reported: Error[] = [];

  before(async () => {
    t = await createTestDatabase();
    pool = createPool(t.url, 2, (err) => reported.push(err));
  });
  after(async () => {
    await pool?.end().catch(() => undefined);
    await t?.drop();
  });

  it('is reported to the pool owner, fails the next query as unavailable, and the pool goes on', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    // Another session ends this one, as a server shutdown does (57P01), while it runs no query.
    const admin = createPool(t.url, 1);
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 100 && reported.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    // pg reports the server's message, then the socket's end: one or two errors, none unhandled.
    assert.ok(reported.length >= 1, 'the error reached onClientError instead of killing the process');
    for (const err of reported) assert.match(err.message, /terminating connection|Connection terminated/);

    const next = await client.query('SELECT 1').then(
      () => null,
      (err: unknown) => err,
    );
    assert.ok(next instanceof Error, 'the broken client cannot run a query');
    assert.ok(isDatabaseUnavailable(next), `waited out as an outage: ${next.message}`);
    client.release();

    // The broken client left the pool: the next checkout gets a working connection.
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    assert.equal(rows[0]!.one, 1);
  });
});
