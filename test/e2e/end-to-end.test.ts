import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { fromRoot } from '../../src/config/paths';
import { describeLayouts } from '../helpers/db';
import { startTrackerStack, waitFor, type TrackerStack } from '../helpers/stack';
import { startDevServerEnv } from '../helpers/temporal';
import { archiveAndRetention, dailyRollup, hourlyRollup, trackerLoop } from '../../src/workflows/index';
import { statusQuery } from '../../src/workflows/definitions';

/** npm start's path on a real dev server: sample catalog, mock marketplace, real PostgreSQL (either layout). */
describeLayouts('tracker loop end to end', ({ layout, it, before, after }) => {
  let temporal: TestWorkflowEnvironment;
  let stack: TrackerStack;
  before(async () => {
    temporal = await startDevServerEnv();
    stack = await startTrackerStack(temporal, { eventsFile: fromRoot('samples', 'events.csv'), layout });
  });
  after(async () => {
    await stack?.close();
    await temporal?.teardown();
  });

  it('stores snapshots for every tracked event in the first cycle, and answers status', async () => {
    await stack.withWorkers(async () => {
      const handle = await temporal.client.workflow.start(trackerLoop, {
        taskQueue: stack.taskQueue,
        workflowId: `tracker-${stack.taskQueue}`,
        args: [{ settings: { intervalHours: 12, randomization: 'uniform', minFactor: 0.9, maxFactor: 1.1, fanout: 4 } }],
      });
      const status = await waitFor(
        'the first cycle',
        async () => {
          const s = await handle.query(statusQuery);
          return s.cycle >= 1 ? s : undefined;
        },
        120_000,
      );
      assert.equal(status.phase, 'sleeping');
      const wakeIn = Date.parse(status.nextWakeAt!) - Date.now();
      assert.ok(wakeIn > 10 * 3_600_000 && wakeIn < 13.3 * 3_600_000, `next wake-up in ${wakeIn} ms`);

      const last = status.lastCycle!;
      assert.ok(last.eventsDue >= 8, `events due: ${last.eventsDue}`);
      assert.equal(last.eventsScraped, last.eventsDue);
      assert.equal(last.marketplacesFailed, 0);

      const db = stack.database.db;
      const tracked = await db.query<{ id: string; n: string }>(
        `SELECT e.id, (SELECT count(*) FROM ticket_snapshots t WHERE t.event_id = e.id) AS n
           FROM events e WHERE e.tracked AND EXISTS (SELECT 1 FROM event_sources s WHERE s.event_id = e.id)`,
      );
      assert.ok(tracked.rows.length >= 8);
      for (const row of tracked.rows) assert.ok(Number(row.n) > 0, `event ${row.id} has no snapshot`);
      const sources = await db.query<{ n: string }>(
        'SELECT count(*) AS n FROM event_sources WHERE last_success_at IS NULL AND event_id IN (SELECT id FROM events WHERE tracked)',
      );
      assert.equal(Number(sources.rows[0]!.n), 0, 'every marketplace of every tracked event has a successful scrape');
      const runs = await db.query<{ status: string; events_scraped: number }>('SELECT status, events_scraped FROM cycles');
      assert.deepEqual(runs.rows, [{ status: 'succeeded', events_scraped: last.eventsDue }]);

      // Every child is visible in the Web UI with a readable id.
      const children = await waitFor('visibility of the children', async () => {
        const ids: string[] = [];
        for await (const wf of temporal.client.workflow.list({
          query: `WorkflowType = "scrapeEvent" AND TaskQueue = "${stack.taskQueue}"`,
        }))
          ids.push(wf.workflowId);
        return ids.length === last.eventsDue ? ids : undefined;
      });
      assert.ok(
        children.every((id) => /^scrape\/\d+\/\d{4}-\d\d-\d\dT/.test(id)),
        children[0],
      );

      await handle.cancel();
      const final = await handle.result();
      assert.equal(final.cycle, 1);

      // The maintenance workflows the schedules start: rollups of what the cycle stored, then retention.
      const hourly = await temporal.client.workflow.execute(hourlyRollup, {
        taskQueue: stack.taskQueue,
        workflowId: `hourly-${stack.taskQueue}`,
      });
      assert.ok((hourly as { rows: number }).rows > 0);
      const daily = await temporal.client.workflow.execute(dailyRollup, {
        taskQueue: stack.taskQueue,
        workflowId: `daily-${stack.taskQueue}`,
      });
      assert.ok((daily as { rows: number }).rows > 0);
      const rolled = await db.query<{ n: string }>('SELECT count(DISTINCT event_id) AS n FROM rollup_daily');
      assert.equal(Number(rolled.rows[0]!.n), tracked.rows.length);
      const retention = await temporal.client.workflow.execute(archiveAndRetention, {
        taskQueue: stack.taskQueue,
        workflowId: `retention-${stack.taskQueue}`,
      });
      assert.equal((retention as { archivedRows: number }).archivedRows, 0, 'nothing is old enough to archive yet');
    });
  });
});
