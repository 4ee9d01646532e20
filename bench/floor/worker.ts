/**
 * The floor benchmark's worker process (bench/floor.ts starts it): a main task queue with the
 * floor workflows, bundled with the production bundle options, and a marketplace-like task queue
 * with a task-queue rate limit, as the product's worker has. Prints "ready" when polling.
 * Environment: TEMPORAL_ADDRESS, TASK_QUEUE, FETCH_CONCURRENCY.
 */
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { productionBundleOptions } from '../../src/worker/bundle';
import type { FloorActivities } from './workflows';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const taskQueue = process.env.TASK_QUEUE ?? 'floor';
  const connection = await NativeConnection.connect({ address });
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: new DefaultLogger('ERROR'),
    ...productionBundleOptions(),
  });
  const activities: FloorActivities = { emptyScrape: async (event) => ({ event, listingsStored: 0 }) };
  const workers = [
    await Worker.create({ connection, taskQueue, workflowBundle: { code }, maxCachedWorkflows: 200 }),
    await Worker.create({
      connection,
      taskQueue: `${taskQueue}-marketplace`,
      activities,
      maxTaskQueueActivitiesPerSecond: 100_000,
      maxConcurrentActivityTaskExecutions: Number(process.env.FETCH_CONCURRENCY ?? 50),
    }),
  ];
  // The SDK's runtime may have begun the shutdown on the same signal already (Runtime's shutdownSignals).
  process.once('SIGTERM', () => workers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown()));
  const running = Promise.all(workers.map((w) => w.run()));
  process.stdout.write('ready\n');
  await running;
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
