import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { EVENTS_HEADER, startTrackerStack, waitFor, writeEventsFile, type TrackerStack } from '../helpers/stack';
import { startDevServerEnv } from '../helpers/temporal';
import { trackerLoop } from '../../src/workflows/index';
import { statusQuery } from '../../src/workflows/definitions';

const CATALOG = [
  EVENTS_HEADER,
  'Alpha Tour,Arena One,Chicago,IL,US,2027-05-01 20:00,America/Chicago,700001,800001,900001,TMALPHA01,TRUE',
  'Beta Live,Arena Two,Denver,CO,US,2027-05-02 20:00,America/Denver,700002,800002,900002,TMBETA002,TRUE',
  'Gamma Night,Arena Three,Austin,TX,US,2027-05-03 20:00,America/Chicago,700003,800003,900003,TMGAMMA03,TRUE',
].join('\n');

/** One failing marketplace, one malformed payload, a database refusing writes: the cycle goes on. */
describe('failure isolation in a cycle', () => {
  let temporal: TestWorkflowEnvironment;
  let stack: TrackerStack;
  before(async () => {
    temporal = await startDevServerEnv();
    stack = await startTrackerStack(temporal, { eventsFile: writeEventsFile(CATALOG) });
  });
  after(async () => {
    await stack?.close();
    await temporal?.teardown();
  });

  it('completes the cycle, stores the rest and records every failure', async () => {
    const db = stack.database.db;
    // SeatGeek always answers 503 (asking for a 1 s retry); Beta's Vivid Seats payload is not JSON.
    stack.mock.setFault({ marketplace: 'seatgeek', fault: { kind: 'status', status: 503, retryAfter: 1 } });
    stack.mock.setFault({ marketplace: 'vividseats', eventId: '800002', fault: { kind: 'malformed' } });
    // The database refuses to store scrapes until the trigger is dropped.
    await db.query(`CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION 'database refuses writes (test)'; END $$`);
    await db.query('CREATE TRIGGER refuse_scrapes BEFORE INSERT ON scrapes FOR EACH ROW EXECUTE FUNCTION refuse_writes()');

    await stack.withWorkers(async () => {
      const handle = await temporal.client.workflow.start(trackerLoop, {
        taskQueue: stack.taskQueue,
        workflowId: `tracker-failures-${stack.taskQueue}`,
        args: [{ settings: { intervalHours: 12, randomization: 'uniform', fanout: 3 } }],
      });
      await waitFor('a refused write', async () => {
        const r = await db.query(`SELECT 1 FROM scrape_errors WHERE message LIKE '%refuses writes%'`);
        return (r.rowCount ?? 0) > 0;
      });
      await db.query('DROP TRIGGER refuse_scrapes ON scrapes');

      const status = await waitFor(
        'the first cycle',
        async () => {
          const s = await handle.query(statusQuery);
          return s.cycle >= 1 ? s : undefined;
        },
        120_000,
      );
      const last = status.lastCycle!;
      assert.equal(last.eventsDue, 3);
      assert.equal(last.eventsScraped, 3, 'every event has some marketplace stored');
      assert.equal(last.marketplacesFailed, 4, 'SeatGeek for each event, and Beta on Vivid Seats');
      assert.equal(last.marketplacesOk, 8);

      const stored = await db.query<{ name: string; marketplace: string }>(
        `SELECT e.name, s.marketplace FROM scrapes s JOIN events e ON e.id = s.event_id ORDER BY 1, 2`,
      );
      const byEvent = (name: string): string[] => stored.rows.filter((r) => r.name === name).map((r) => r.marketplace);
      assert.deepEqual(byEvent('Alpha Tour'), ['stubhub', 'ticketmaster', 'vividseats']);
      assert.deepEqual(byEvent('Beta Live'), ['stubhub', 'ticketmaster']);
      assert.deepEqual(byEvent('Gamma Night'), ['stubhub', 'ticketmaster', 'vividseats']);

      const errors = await db.query<{ name: string; marketplace: string; attempt: number; message: string }>(
        `SELECT e.name, x.marketplace, x.attempt, x.message FROM scrape_errors x JOIN events e ON e.id = x.event_id ORDER BY 1, 2, 3`,
      );
      for (const name of ['Alpha Tour', 'Beta Live', 'Gamma Night']) {
        const seatgeek = errors.rows.filter((r) => r.name === name && r.marketplace === 'seatgeek');
        assert.deepEqual(
          seatgeek.map((r) => r.attempt),
          [1, 2, 3, 4],
          `${name}: every SeatGeek attempt recorded`,
        );
        assert.match(seatgeek[0]!.message, /503/);
      }
      const malformed = errors.rows.filter(
        (r) => r.name === 'Beta Live' && r.marketplace === 'vividseats' && !/refuses writes/.test(r.message),
      );
      assert.equal(malformed.length, 1, 'a malformed payload is not retried');
      assert.match(malformed[0]!.message, /JSON|payload/i);
      assert.ok(errors.rows.some((r) => /refuses writes/.test(r.message)));

      const run = await db.query<{ status: string; errors_count: number }>('SELECT status, errors_count FROM cycles');
      assert.deepEqual(run.rows, [{ status: 'partial', errors_count: 4 }]);
      await handle.cancel();
    });
  });
});
