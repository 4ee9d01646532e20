import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TrackerSettingsPatch } from '../../src/domain/tracker';
import { EVENTS_HEADER, startTrackerStack, waitFor, writeEventsFile, type TrackerStack } from '../helpers/stack';
import { startTimeSkippingEnv } from '../helpers/temporal';
import { trackerLoop } from '../../src/workflows/index';
import { pauseSignal, reconfigureUpdate, resumeSignal, scrapeNowSignal, statusQuery } from '../../src/workflows/definitions';

const HOUR = 3_600_000;

/** The loop over simulated days, on the time-skipping test server with the real activities. */
describe('tracker loop over simulated time', () => {
  let temporal: TestWorkflowEnvironment;
  let stack: TrackerStack;
  before(async () => {
    temporal = await startTimeSkippingEnv();
    // An empty catalog keeps each cycle to its bookkeeping activities, so many cycles run quickly.
    stack = await startTrackerStack(temporal, { eventsFile: writeEventsFile(EVENTS_HEADER + '\n') });
  });
  after(async () => {
    await stack?.close();
    await temporal?.teardown();
  });

  async function sleepsBetweenCycles(): Promise<number[]> {
    const runs = await stack.database.db.query<{ started_at: Date; details: { finishedAt: string } }>(
      `SELECT started_at, details FROM cycles WHERE status <> 'running' ORDER BY started_at`,
    );
    const sleeps: number[] = [];
    for (let i = 1; i < runs.rows.length; i++) {
      sleeps.push(runs.rows[i]!.started_at.getTime() - Date.parse(runs.rows[i - 1]!.details.finishedAt));
    }
    return sleeps;
  }

  it('sleeps uniformly inside the bounds between cycles, continuing as new each cycle', async () => {
    await stack.withWorkers(async () => {
      const handle = await temporal.client.workflow.start(trackerLoop, {
        taskQueue: stack.taskQueue,
        workflowId: 'tracker-uniform',
        args: [{ settings: { intervalHours: 1, randomization: 'uniform', minFactor: 0.5, maxFactor: 1.5 } }],
      });
      await temporal.sleep('3 days');
      const sleeps = (await sleepsBetweenCycles()).map((ms) => ms / HOUR);
      assert.ok(sleeps.length >= 40, `only ${sleeps.length} cycles in 3 simulated days`);
      // Real time spent in activities is added to the simulated clock, so allow a few seconds.
      assert.ok(
        sleeps.every((f) => f >= 0.5 - 1e-3 && f <= 1.5 + 0.01),
        `out of bounds: ${sleeps.filter((f) => f < 0.5 || f > 1.5)}`,
      );
      const sorted = [...sleeps].sort((a, b) => a - b);
      const ks = Math.max(
        ...sorted.map((x, i) => Math.max(Math.abs((i + 1) / sorted.length - (x - 0.5)), Math.abs(i / sorted.length - (x - 0.5)))),
      );
      assert.ok(ks < 1.95 / Math.sqrt(sorted.length), `KS distance ${ks} for ${sorted.length} sleeps`);
      const status = await handle.query(statusQuery);
      assert.equal(status.cycle, sleeps.length + 1);
      const description = await handle.describe();
      assert.notEqual(description.runId, handle.firstExecutionRunId, 'continued as new');
      await handle.cancel();
    });
  });

  it('obeys pause, resume, scrapeNow and validated reconfigure', async () => {
    await stack.database.db.query('TRUNCATE cycles');
    await stack.withWorkers(async () => {
      const handle = await temporal.client.workflow.start(trackerLoop, {
        taskQueue: stack.taskQueue,
        workflowId: 'tracker-signals',
        args: [{ settings: { intervalHours: 24, randomization: 'normal', minFactor: 0.8, maxFactor: 1.2 } }],
      });
      const first = await waitFor('cycle 1', async () => {
        const s = await handle.query(statusQuery);
        return s.cycle === 1 && s.phase === 'sleeping' ? s : undefined;
      });
      const wake = Date.parse(first.nextWakeAt!) - Date.parse(first.lastCycle!.finishedAt);
      assert.ok(wake >= 0.8 * 24 * HOUR && wake <= 1.2 * 24 * HOUR);

      // An invalid update is rejected with the reason and changes nothing.
      const rejectedBecause = (re: RegExp) => (err: unknown) =>
        err instanceof WorkflowUpdateFailedError && re.test(err.cause?.message ?? '');
      await assert.rejects(
        handle.executeUpdate(reconfigureUpdate, { args: [{ minFactor: 2, maxFactor: 3 }] }),
        rejectedBecause(/minFactor must be at most 1/),
      );
      await assert.rejects(
        handle.executeUpdate(reconfigureUpdate, { args: [{ intervalHours: -1 }] }),
        rejectedBecause(/intervalHours: must be positive/),
      );
      await assert.rejects(
        handle.executeUpdate(reconfigureUpdate, { args: [{ colour: 'red' } as TrackerSettingsPatch] } /* an untyped caller's patch */),
        rejectedBecause(/colour/),
      );
      // A valid one applies at once, redrawing the sleep in progress.
      const updated = await handle.executeUpdate(reconfigureUpdate, { args: [{ intervalHours: 2, randomization: 'uniform' }] });
      assert.equal(updated.intervalHours, 2);
      const redrawn = await handle.query(statusQuery);
      const newWake = Date.parse(redrawn.nextWakeAt!) - Date.parse(first.lastCycle!.finishedAt);
      assert.ok(newWake >= 0.8 * 2 * HOUR && newWake <= 1.2 * 2 * HOUR, `redrawn sleep ${newWake}`);

      // Paused: no cycle however long we wait.
      await handle.signal(pauseSignal);
      await temporal.sleep('12 hours');
      const paused = await handle.query(statusQuery);
      assert.equal(paused.phase, 'paused');
      assert.equal(paused.cycle, 1);

      // scrapeNow runs one cycle even while paused, then stays paused.
      await handle.signal(scrapeNowSignal);
      await waitFor('cycle 2', async () => (await handle.query(statusQuery)).cycle === 2);
      await temporal.sleep('12 hours');
      assert.equal((await handle.query(statusQuery)).cycle, 2);

      // Resumed: cycles come back on the 2-hour schedule.
      await handle.signal(resumeSignal);
      await temporal.sleep('5 hours');
      const resumed = await handle.query(statusQuery);
      assert.ok(resumed.cycle >= 3 && resumed.cycle <= 6, `cycle ${resumed.cycle}`);
      assert.equal(resumed.paused, false);
      await handle.cancel();
    });
  });

  it('fails at once, without retrying, on bad input that it names', async () => {
    await stack.withWorkers(async () => {
      // By type name, untyped, as `temporal workflow start --type trackerLoop --input ...` sends it:
      // the compiler would refuse this input, so the workflow's own parse is what is tested.
      const handle = await temporal.client.workflow.start('trackerLoop', {
        taskQueue: stack.taskQueue,
        workflowId: 'tracker-bad-input',
        args: [{ settings: { intervalHours: 'often', randomization: 'gaussian' } }],
      });
      await assert.rejects(handle.result(), (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError);
        assert.match(err.cause?.message ?? '', /invalid trackerLoop input: settings\.intervalHours: .*; settings\.randomization: /);
        return true;
      });
    });
  });
});
