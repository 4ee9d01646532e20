/**
 * `npm run record-histories -- FOLDER`: runs the product's workflows for real (dev server, mock
 * marketplace, embedded PostgreSQL) and saves their histories to test/fixtures/histories/FOLDER/.
 * The replay test replays the folders test/fixtures/histories/in-flight.json lists against the
 * current code: record a build's histories there when a later build may be handed its open
 * workflows (docs/upgrades.md says when), and list the folder with why and until when.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';
import { fromRoot } from '../src/config/paths';
import { ADMIN_URL_VAR, TEMPORAL_ADDRESS_VAR, startPostgresForTests, startTemporalForTests } from '../test/helpers/infra';
import { EVENTS_HEADER, startTrackerStack, waitFor, writeEventsFile } from '../test/helpers/stack';
import { startDevServerEnv } from '../test/helpers/temporal';
import { archiveAndRetention, dailyRollup, hourlyRollup, selfCheck, trackerLoop } from '../src/workflows';
import { pauseSignal, reconfigureUpdate, scrapeNowSignal, statusQuery } from '../src/workflows/definitions';

const folder = process.argv[2];
if (!folder || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(folder)) {
  process.stderr.write('usage: npm run record-histories -- FOLDER (letters, digits, . _ -; e.g. unversioned-c9ba53c)\n');
  process.exit(2);
}
const OUT = fromRoot('test', 'fixtures', 'histories', folder);

async function save(name: string, handle: WorkflowHandle, runId?: string): Promise<void> {
  const history = await (runId ? handle.client.getHandle(handle.workflowId, runId) : handle).fetchHistory();
  writeFileSync(path.join(OUT, `${name}.json`), historyToJSON(history) + '\n');
  console.log(`saved ${name} (${history.events?.length ?? 0} events)`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [pg, server] = await Promise.all([startPostgresForTests(), startTemporalForTests()]);
  process.env[ADMIN_URL_VAR] = pg.adminUrl;
  process.env[TEMPORAL_ADDRESS_VAR] = server.address;
  const temporal = await startDevServerEnv();
  const catalog = [
    EVENTS_HEADER,
    'Replay Night,Hall One,Boston,MA,US,2027-07-01 20:00,America/New_York,720001,820001,920001,TMREPLAY1,TRUE',
    'Replay Matinee,Hall Two,Boston,MA,US,2027-07-02 14:00,America/New_York,720002,820002,920002,TMREPLAY2,TRUE',
  ].join('\n');
  const stack = await startTrackerStack(temporal, { eventsFile: writeEventsFile(catalog) });
  // One marketplace fails once, so the history includes a retried activity.
  stack.mock.setFault({ marketplace: 'seatgeek', eventId: '920001', fault: { kind: 'status', status: 500 }, times: 1 });
  try {
    await stack.withWorkers(async () => {
      const c = temporal.client.workflow;
      const opts = { taskQueue: stack.taskQueue };
      const tracker = await c.start(trackerLoop, {
        ...opts,
        workflowId: 'replay-tracker',
        args: [{ settings: { intervalHours: 6, randomization: 'normal', fanout: 2 } }],
      });
      await waitFor('cycle 1', async () => (await tracker.query(statusQuery)).cycle >= 1, 120_000);
      await tracker.signal(pauseSignal);
      await tracker.executeUpdate(reconfigureUpdate, { args: [{ intervalHours: 8 }] });
      await tracker.signal(scrapeNowSignal);
      await waitFor('cycle 2', async () => (await tracker.query(statusQuery)).cycle >= 2, 120_000);
      await save('tracker-loop-cycle-1', tracker, tracker.firstExecutionRunId);
      await tracker.cancel();
      await tracker.result();
      await save('tracker-loop-cancelled', tracker);

      for await (const wf of c.list({ query: `WorkflowType = "scrapeEvent" AND TaskQueue = "${stack.taskQueue}"` })) {
        await save('scrape-event', c.getHandle(wf.workflowId, wf.runId));
        break;
      }
      for (const workflow of [hourlyRollup, dailyRollup, archiveAndRetention, selfCheck]) {
        const h = await c.start(workflow, { ...opts, workflowId: `replay-${workflow.name}` });
        await h.result();
        await save(workflow.name, h);
      }
    });
  } finally {
    await stack.close();
    await temporal.teardown();
    await Promise.all([pg.stop(), server.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
