import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { persistDeadline, waitingOutDatabase } from '../../src/activities/scrape';
import { isDatabaseUnavailable } from '../../src/db/unavailable';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

/** A fetched scrape waits out a database outage instead of failing its attempt (issue 16's chaos suite). */
describe('database outage while storing a scrape', () => {
  it('tells an unreachable database from a wrong statement', () => {
    assert.ok(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')));
    assert.ok(isDatabaseUnavailable(withCode('terminating connection due to administrator command', '57P01')));
    assert.ok(isDatabaseUnavailable(withCode('the database system is starting up', '57P03')));
    assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')));
    assert.ok(!isDatabaseUnavailable(withCode('duplicate key value violates unique constraint', '23505')));
    assert.ok(!isDatabaseUnavailable(withCode('relation "scrapes" does not exist', '42P01')));
    assert.ok(!isDatabaseUnavailable('ECONNREFUSED'));
  });

  it('retries while the database is unreachable, and stops at another error or the deadline', async () => {
    let calls = 0;
    const waited: number[] = [];
    const value = await waitingOutDatabase(
      async () => {
        calls++;
        if (calls < 3) throw withCode('connect ECONNREFUSED', 'ECONNREFUSED');
        return 'stored';
      },
      Date.now() + 60_000,
      (ms) => waited.push(ms),
    );
    assert.equal(value, 'stored');
    assert.equal(calls, 3);
    assert.equal(waited.length, 2, 'told (and heartbeating) at each wait');

    let other = 0;
    await assert.rejects(
      waitingOutDatabase(
        async () => {
          other++;
          throw withCode('null value in column', '23502');
        },
        Date.now() + 60_000,
        () => undefined,
      ),
      /null value/,
    );
    assert.equal(other, 1, 'a wrong statement is not retried here');

    let late = 0;
    await assert.rejects(
      waitingOutDatabase(
        async () => {
          late++;
          throw withCode('connect ECONNREFUSED', 'ECONNREFUSED');
        },
        Date.now() + 500,
        () => undefined,
      ),
      /ECONNREFUSED/,
    );
    assert.equal(late, 1, 'no wait beyond the deadline');
  });

  it('keeps 15 s of the attempt for the rest of the activity', () => {
    assert.equal(persistDeadline(120_000, 1_000), 106_000);
    assert.equal(persistDeadline(undefined, 0), 105_000);
    assert.equal(persistDeadline(5_000, 0), 0);
  });
});
