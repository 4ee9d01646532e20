import { existsSync } from 'node:fs';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import type { Env } from './config';
import { createPool, type Db } from './db/pool';
import { migrate } from './db/migrate';
import type { Logger } from './logging/logger';
import { fromRoot } from './tools/paths';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** Path of a prebuilt workflow bundle; when absent the worker bundles `src/workflows` at start. */
  workflowBundlePath?: string;
  maxCachedWorkflows?: number;
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  identity?: string;
}

/** The prebuilt bundle `npm run build` writes; production workers load it instead of bundling. */
export const DEFAULT_BUNDLE_PATH = fromRoot('dist', 'workflow-bundle.js');

export function workflowSource(bundlePath?: string): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  // Only compiled code (the production image) picks up dist/'s bundle by itself: a checkout
  // running from src/ must never execute a bundle built from older sources.
  const runningCompiled = __filename.endsWith('.js');
  const codePath = bundlePath ?? (runningCompiled && existsSync(DEFAULT_BUNDLE_PATH) ? DEFAULT_BUNDLE_PATH : undefined);
  if (codePath) return { workflowBundle: { codePath } };
  return { workflowsPath: require.resolve('./workflows') };
}

/** Wires activities and workflows onto the main task queue. */
export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: createActivities({ db: deps.db }),
    ...workflowSource(deps.workflowBundlePath),
    maxCachedWorkflows: deps.maxCachedWorkflows ?? 200,
    shutdownGraceTime: deps.shutdownGraceTime ?? '30s',
    ...(deps.identity ? { identity: deps.identity } : {}),
  });
}

/**
 * `ticket-tracker worker`: connects, migrates, and polls until SIGINT/SIGTERM. On a signal the
 * SDK stops polling and lets in-flight activities finish within the grace time, then we exit 0.
 */
export async function runWorker(env: Env, logger: Logger): Promise<void> {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required for `ticket-tracker worker` (use `ticket-tracker dev` for the embedded stack)');
  const db = createPool(env.DATABASE_URL, env.DATABASE_POOL_MAX, (err) => logger.warn('idle database client error', { err }));
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info('applied migrations', { migrations: applied.map((m) => `${m.version}_${m.name}`) });
    const worker = await createWorker({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      db,
      workflowBundlePath: env.WORKER_BUNDLE_PATH,
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      shutdownGraceTime: `${env.WORKER_SHUTDOWN_GRACE_SECONDS}s`,
    });
    logger.info('worker polling', { taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE, address: env.TEMPORAL_ADDRESS });
    // The SDK installs SIGINT/SIGTERM handlers that call worker.shutdown(); run() resolves after it.
    await worker.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
    await db.end();
  }
}
