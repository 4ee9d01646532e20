import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  buildOfRun,
  describeDeployment,
  judgePollers,
  setCurrentBuild,
  UnknownBuildIdError,
  workflowPollers,
} from '../../src/client/deployment';
import { trackerLoop } from '../../src/workflows/index';
import type { TrackerStatus } from '../../src/domain/tracker';
import { DEFAULT_TRACKER_WORKFLOW_ID, statusQuery } from '../../src/workflows/definitions';
import { runCli } from '../helpers/cli';
import { EVENTS_HEADER, startTrackerStack, waitFor, writeEventsFile, type TrackerStack } from '../helpers/stack';
import { startDevServerEnv } from '../helpers/temporal';

const CATALOG = [
  EVENTS_HEADER,
  'Versioned Night,Hall One,Boston,MA,US,2027-07-01 20:00,America/New_York,730001,830001,930001,TMVERS001,TRUE',
  'Versioned Matinee,Hall Two,Boston,MA,US,2027-07-02 14:00,America/New_York,730002,830002,930002,TMVERS002,TRUE',
].join('\n');

/** The build a workflow execution (this run) is pinned to, from DescribeWorkflowExecution. */
async function buildOf(handle: WorkflowHandle, runId?: string): Promise<string | null> {
  const h = runId ? handle.client.getHandle(handle.workflowId, runId) : handle;
  return buildOfRun(await h.describe())?.buildId ?? null;
}

/** The tracker's status once its first cycle is done and it sleeps. */
function firstSleep(handle: WorkflowHandle<typeof trackerLoop>, what: string): Promise<TrackerStatus> {
  return waitFor(
    what,
    async () => {
      const s = await handle.query(statusQuery);
      return s.cycle >= 1 && s.phase === 'sleeping' ? s : undefined;
    },
    120_000,
  );
}

/** The environment `ticket-tracker` runs with here: this server, this task queue, this deployment. */
function cliEnvFor(temporal: TestWorkflowEnvironment, taskQueue: string, deploymentName: string): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: temporal.connection.options.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_DEPLOYMENT_NAME: deploymentName,
    LOG_LEVEL: 'error',
    HOME: process.env.HOME,
  };
}

/**
 * Worker Versioning (docs/upgrades.md) on a real dev server: scrapes stay on the build that started
 * them, the tracker loop moves to a newly promoted build at its next continue-as-new, also in the
 * middle of its sleep without changing the schedule, and the old build drains.
 */
describe('worker versioning: pinned scrapes, the tracker loop moving at continue-as-new', () => {
  let temporal: TestWorkflowEnvironment;
  let stack: TrackerStack;
  const deploymentName = `tt-test-${randomBytes(3).toString('hex')}`;
  before(async () => {
    temporal = await startDevServerEnv();
    stack = await startTrackerStack(temporal, { eventsFile: writeEventsFile(CATALOG), marketplaces: ['stubhub', 'vividseats'] });
  });
  after(async () => {
    await stack?.close();
    await temporal?.teardown();
  });

  it('runs a cycle on b1, moves the sleeping loop to b2 when b2 is promoted, and leaves nothing on b1', async () => {
    const client = temporal.client;
    const ns = temporal.namespace ?? 'default';
    const v1 = await stack.startWorkers({ version: { deploymentName, buildId: 'b1' } });
    let v2: Awaited<ReturnType<TrackerStack['startWorkers']>> | undefined;
    try {
      await waitFor('b1 registered', async () =>
        (await describeDeployment(client, ns, deploymentName))?.versions.some((v) => v.buildId === 'b1'),
      );
      await assert.rejects(setCurrentBuild(client, ns, deploymentName, 'b9', 'test'), (err: unknown) => {
        assert.ok(err instanceof UnknownBuildIdError);
        assert.match(err.message, /unknown build id "b9": deployment tt-test-\w+ has b1 \(inactive\)/);
        return true;
      });
      await setCurrentBuild(client, ns, deploymentName, 'b1', 'test');

      // A 60 s sleep between cycles, exactly (factors 1..1).
      const sleepMs = 60_000;
      const handle = await client.workflow.start(trackerLoop, {
        taskQueue: stack.taskQueue,
        workflowId: DEFAULT_TRACKER_WORKFLOW_ID,
        args: [{ settings: { intervalHours: sleepMs / 3_600_000, randomization: 'uniform', minFactor: 1, maxFactor: 1, fanout: 2 } }],
      });
      const firstRun = handle.firstExecutionRunId;
      const asleep = await firstSleep(handle, 'cycle 1 and its sleep');
      assert.equal(await buildOf(handle, firstRun), 'b1');
      const wakeAt = Date.parse(asleep.nextWakeAt!);

      // b2 polls; `tracker status` shows it idle until promoted, and refuses a worker of another deployment by name.
      v2 = await stack.startWorkers({ version: { deploymentName, buildId: 'b2' } });
      await waitFor('b2 registered', async () =>
        (await describeDeployment(client, ns, deploymentName))?.versions.some((v) => v.buildId === 'b2'),
      );
      const cliEnv = cliEnvFor(temporal, stack.taskQueue, deploymentName);
      const before = await runCli(['tracker', 'status'], cliEnv);
      assert.equal(before.code, 0, before.stderr);
      assert.match(before.stdout, new RegExp(`${deploymentName}: current b1; versions .*b2 \\((inactive|created)\\)`));
      assert.match(
        before.stdout,
        /\[idle: build b2 \((inactive|created): make it current with `ticket-tracker tracker promote b2`\); last poll /,
      );
      const unknownPromote = await runCli(['tracker', 'promote', 'b7'], cliEnv);
      assert.equal(unknownPromote.code, 2);
      assert.match(unknownPromote.stderr, /unknown build id "b7"/);

      const promoted = await runCli(['tracker', 'promote', 'b2', '--json'], cliEnv);
      assert.equal(promoted.code, 0, promoted.stderr);
      assert.deepEqual(JSON.parse(promoted.stdout), {
        deployment: deploymentName,
        current: 'b2',
        previous: 'b1',
        tracker: 'moves to it now (or after its running cycle)',
      });

      // The loop leaves b1 before its wake-up: a new run on b2 holds the rest of the same sleep.
      await waitFor(
        'the loop on b2',
        async () => {
          const d = await handle.describe();
          return d.runId !== firstRun && (await buildOf(handle)) === 'b2' ? d : undefined;
        },
        50_000,
      );
      assert.ok(Date.now() < wakeAt, 'moved on before the wake-up');
      const carried = await handle.query(statusQuery);
      assert.equal(carried.phase, 'sleeping');
      assert.equal(carried.nextWakeAt, asleep.nextWakeAt, 'the same sleep, not a new draw');
      assert.equal(carried.cycle, 1);

      // Cycle 2 runs on b2 at the planned time; its scrapes are on b2, cycle 1's were on b1.
      const second = await waitFor(
        'cycle 2',
        async () => {
          const s = await handle.query(statusQuery);
          return s.cycle >= 2 ? s : undefined;
        },
        150_000,
      );
      const gap = Date.parse(second.lastCycle!.startedAt) - Date.parse(asleep.lastCycle!.finishedAt);
      assert.ok(gap <= sleepMs + 15_000, `cycle 2 started ${gap} ms after cycle 1 ended (sleep ${sleepMs} ms)`);
      const children = [];
      for await (const wf of client.workflow.list({ query: `WorkflowType = "scrapeEvent" AND TaskQueue = "${stack.taskQueue}"` }))
        children.push({
          id: wf.workflowId,
          build: await buildOf(client.workflow.getHandle(wf.workflowId, wf.runId)),
          startedAt: wf.startTime,
        });
      const cycle1 = children.filter((c) => c.startedAt.getTime() < Date.parse(asleep.lastCycle!.finishedAt));
      const cycle2 = children.filter((c) => c.startedAt.getTime() >= Date.parse(second.lastCycle!.startedAt));
      assert.deepEqual(
        cycle1.map((c) => c.build),
        ['b1', 'b1'],
      );
      assert.deepEqual(
        cycle2.map((c) => c.build),
        ['b2', 'b2'],
      );

      // Nothing is left on b1: its workers can stop, and `tracker status` refuses a worker of another deployment.
      const open = await client.workflow.count(
        `ExecutionStatus = "Running" AND TaskQueue = "${stack.taskQueue}" AND TemporalWorkerDeploymentVersion = "${deploymentName}:b1"`,
      );
      assert.equal(open.count, 0);
      // The same query without the status finds cycle 1's run and scrapes: the filter is not vacuous.
      const ran = await client.workflow.count(
        `TaskQueue = "${stack.taskQueue}" AND TemporalWorkerDeploymentVersion = "${deploymentName}:b1"`,
      );
      assert.ok(ran.count >= 3, `${ran.count} workflows ran on b1`);
      await v1.stop();
      const stray = await stack.startWorkers({ version: { deploymentName: `${deploymentName}-other`, buildId: 'x1' } });
      try {
        const verdicts = await waitFor('the stray worker polling', async () => {
          const judged = judgePollers(
            await workflowPollers(client, ns, stack.taskQueue),
            deploymentName,
            await describeDeployment(client, ns, deploymentName),
          );
          return judged.some((j) => j.verdict === 'refused') ? judged : undefined;
        });
        assert.ok(verdicts.some((j) => j.verdict === 'serving' && j.reason === 'build b2 (current)'));
        const status = await runCli(['tracker', 'status'], cliEnv);
        assert.equal(status.code, 1);
        assert.match(
          status.stderr,
          new RegExp(`refused: worker \\S+ node v\\d+\\S*: build x1 of deployment ${deploymentName}-other, not of ${deploymentName}`),
        );
      } finally {
        await stray.stop();
      }
      await handle.cancel();
      await handle.result();
    } finally {
      await v2?.stop();
      await v1.stop().catch(() => undefined);
    }
  });

  it('moves a tracker loop running on unversioned workers to the first promoted build', async () => {
    const client = temporal.client;
    const ns = temporal.namespace ?? 'default';
    const name = `${deploymentName}-from-unversioned`;
    // A task queue of its own: the first test's queue belongs to a deployment whose builds are gone.
    const stack = await startTrackerStack(temporal, { eventsFile: writeEventsFile(CATALOG), marketplaces: ['stubhub', 'vividseats'] });
    const unversioned = await stack.startWorkers();
    let versioned: Awaited<ReturnType<TrackerStack['startWorkers']>> | undefined;
    try {
      const sleepMs = 60_000;
      const handle = await client.workflow.start(trackerLoop, {
        taskQueue: stack.taskQueue,
        workflowId: DEFAULT_TRACKER_WORKFLOW_ID,
        args: [{ settings: { intervalHours: sleepMs / 3_600_000, randomization: 'uniform', minFactor: 1, maxFactor: 1, fanout: 2 } }],
      });
      const asleep = await firstSleep(handle, 'an unversioned cycle and its sleep');
      assert.equal(await buildOf(handle), null, 'runs unversioned');
      versioned = await stack.startWorkers({ version: { deploymentName: name, buildId: 'v1' } });
      await waitFor('v1 registered', async () => (await describeDeployment(client, ns, name))?.versions.some((v) => v.buildId === 'v1'));
      const cliEnv = cliEnvFor(temporal, stack.taskQueue, name);
      const promoted = await runCli(['tracker', 'promote', 'v1'], cliEnv);
      assert.equal(promoted.code, 0, promoted.stderr);
      // The sleeping loop's next task goes to v1, which replays its unversioned history and moves on.
      await waitFor('the loop on v1', async () => ((await buildOf(handle)) === 'v1' ? true : undefined), 50_000);
      const carried = await handle.query(statusQuery);
      assert.equal(carried.nextWakeAt, asleep.nextWakeAt);
      // The unversioned workers are refused by name now that a build is current.
      const status = await runCli(['tracker', 'status'], cliEnv);
      assert.equal(status.code, 1);
      assert.match(status.stderr, new RegExp(`unversioned, while deployment ${name} has current build v1`));
      assert.match(status.stdout, new RegExp(`tracker build +v1 of ${name}`));
      await handle.cancel();
      await handle.result();
      // An ended loop still answers queries: status says it is not running all the same.
      const ended = await runCli(['tracker', 'status'], cliEnv);
      assert.equal(ended.code, 1);
      assert.match(ended.stdout, /phase +not running/);
      assert.match(ended.stderr, /the tracker is not running/);
    } finally {
      await versioned?.stop();
      await unversioned.stop();
      await stack.close();
    }
  });
});
