import os from 'node:os';
import { scrapeHealthSettings } from './domain/scrape-health';
import { existsSync } from 'node:fs';
import type { Context as ActivityContext } from '@temporalio/activity';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type ActivityInterceptorsFactory,
  type LogEntry,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities, createMarketplaceActivities } from './activities';
import { marketplaceTaskQueue } from './activities/types';
import { settingOf, type Env } from './config';
import { descriptorOf } from './marketplaces/registry';
import { createPool, type Db } from './db/pool';
import { migrate } from './db/migrate';
import { MARKETPLACE_NAMES, type MarketplaceName } from './domain/listing';
import type { Logger } from './logging/logger';
import { createLogger } from './logging/logger';
import { createWorkerMetrics, type WorkerMetrics } from './observability/metrics';
import { startHealthServer } from './observability/server';
import { activityFailureLogger, sdkLogRecord } from './worker/temporal-logs';
import { createMarketplaceAdapters, type MarketplaceAdapter, type RequestPace } from './marketplaces/index';
import { fetchOutageDeadline, heartbeatWaitingForDatabase } from './activities/scrape';
import { pacedRatePerSecond, pacingSpacingMs, RequestPacer } from './db/request-pacing';
import { fromRoot } from './config/paths';
import type { WorkerDeploymentVersion } from '@temporalio/common';

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

/** Counts and times every activity attempt, by type and task queue, for /metrics. */
function metricsInterceptor(metrics: WorkerMetrics) {
  return (ctx: ActivityContext) => ({
    inbound: {
      async execute(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
        const labels = { activity: ctx.info.activityType, task_queue: ctx.info.taskQueue };
        const started = process.hrtime.bigint();
        try {
          const result = await next(input as never);
          metrics.activitiesCompleted.inc(labels);
          return result;
        } catch (err) {
          metrics.activitiesFailed.inc(labels);
          throw err;
        } finally {
          metrics.activitySeconds.inc(labels, Number(process.hrtime.bigint() - started) / 1e9);
        }
      },
    },
  });
}

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  env: Env;
  logger: Logger;
  /** Adapters of the enabled marketplaces; one rate-limited worker is created per entry. */
  adapters?: ReadonlyMap<MarketplaceName, MarketplaceAdapter>;
  /** Path of a prebuilt workflow bundle; when absent the worker bundles `src/workflows` at start. */
  workflowBundlePath?: string;
  metrics?: WorkerMetrics;
  /** Extra activity interceptors (after the metrics one), on every queue. */
  activityInterceptors?: ActivityInterceptorsFactory[];
  identity?: string;
  /** The Worker Deployment Version to poll as (Worker Versioning); unversioned when absent. */
  version?: WorkerDeploymentVersion;
}

export interface TrackerWorkers {
  main: Worker;
  marketplaces: Map<MarketplaceName, Worker>;
  all: Worker[];
  /** Polls every queue until shutdown() (or a fatal error); resolves when all have stopped. */
  run(): Promise<void>;
  shutdown(): void;
}

/** The worker's connection to the Temporal frontend at `address` (host:port). */
export function connectWorkers(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}

/** A worker's identity on its task queues: `pid@host node vX.Y.Z`. */
export function workerIdentity(): string {
  return `${process.pid}@${os.hostname()} node ${process.version}`;
}

/** The version `env` asks the worker to poll as (WORKER_BUILD_ID), or undefined: unversioned. */
export function deploymentVersionOf(env: Pick<Env, 'TEMPORAL_DEPLOYMENT_NAME' | 'WORKER_BUILD_ID'>): WorkerDeploymentVersion | undefined {
  return env.WORKER_BUILD_ID ? { deploymentName: env.TEMPORAL_DEPLOYMENT_NAME, buildId: env.WORKER_BUILD_ID } : undefined;
}

/**
 * Wires the main task queue (workflows and database activities) and one task queue per enabled
 * marketplace. Each marketplace queue carries `maxTaskQueueActivitiesPerSecond`, which the server
 * enforces for the whole queue, at the request pacing's average (taskQueueDispatchRate); the rate
 * limit itself is kept by the adapters' request pacing (requestPacing), however many workers run.
 */
export async function createWorkers(deps: WorkerDeps): Promise<TrackerWorkers> {
  const metrics = deps.metrics ?? createWorkerMetrics();
  const adapters = deps.adapters ?? new Map<MarketplaceName, MarketplaceAdapter>();
  const common = {
    connection: deps.connection,
    namespace: deps.namespace,
    shutdownGraceTime: `${deps.env.WORKER_SHUTDOWN_GRACE_SECONDS}s` as const,
    interceptors: { activity: [metricsInterceptor(metrics), activityFailureLogger(deps.logger), ...(deps.activityInterceptors ?? [])] },
    // Who polls, as `tracker status` lists it: the SDK's pid@host, with the Node version it runs on.
    identity: deps.identity ?? workerIdentity(),
    // Every queue of the worker polls as the same version: a pinned workflow's activities run on
    // its own build too (the marketplace queues included). Workflows default to PINNED: a scrape,
    // a delivery or a maintenance run completes on the build that started it; the tracker loop
    // moves at continue-as-new (workflows/tracker-loop.ts).
    ...(deps.version
      ? {
          workerDeploymentOptions: {
            useWorkerVersioning: true as const,
            version: deps.version,
            defaultVersioningBehavior: 'PINNED' as const,
          },
        }
      : {}),
  };
  const main = await Worker.create({
    ...common,
    taskQueue: deps.taskQueue,
    activities: createActivities({ db: deps.db, env: deps.env, logger: deps.logger, enabledMarketplaces: [...adapters.keys()] }),
    ...workflowSource(deps.workflowBundlePath),
    maxCachedWorkflows: deps.env.WORKER_MAX_CACHED_WORKFLOWS,
  });
  const marketplaces = new Map<MarketplaceName, Worker>();
  for (const [name, adapter] of adapters) {
    const taskQueue = marketplaceTaskQueue(deps.taskQueue, name);
    marketplaces.set(
      name,
      await Worker.create({
        ...common,
        taskQueue,
        activities: createMarketplaceActivities({ db: deps.db, adapter, logger: deps.logger, health: scrapeHealthSettings(deps.env) }),
        maxTaskQueueActivitiesPerSecond: taskQueueDispatchRate(ratePerSecond(deps.env, name)),
        maxConcurrentActivityTaskExecutions: deps.env.MARKETPLACE_CONCURRENCY,
      }),
    );
  }
  const all = [main, ...marketplaces.values()];
  const queues = [deps.taskQueue, ...[...marketplaces.keys()].map((m) => marketplaceTaskQueue(deps.taskQueue, m))];
  return {
    main,
    marketplaces,
    all,
    async run() {
      queues.forEach((q) => metrics.workerRunning.set({ task_queue: q }, 1));
      try {
        // If one worker fails, stop the others too: a half-served deployment is worse than a restart.
        await Promise.all(
          all.map((w) =>
            w.run().catch((err: unknown) => {
              all.forEach((o) => o.getState() === 'RUNNING' && o.shutdown());
              throw err;
            }),
          ),
        );
      } finally {
        queues.forEach((q) => metrics.workerRunning.set({ task_queue: q }, 0));
      }
    },
    shutdown() {
      for (const w of all) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}

export function adapterMap(adapters: Partial<Record<MarketplaceName, MarketplaceAdapter>>): Map<MarketplaceName, MarketplaceAdapter> {
  return new Map(Object.entries(adapters).filter((e): e is [MarketplaceName, MarketplaceAdapter] => e[1] !== undefined));
}

/**
 * What a marketplace queue asks Temporal for: the average rate request pacing lets through
 * (pacedRatePerSecond, rate x 1000 / (1000 + PACING_JITTER_ALLOWANCE_MS)). The rate limit itself is
 * kept by the pacing, right before each request; Temporal's limit only keeps tasks from piling up
 * in it. Temporal's limit is a token bucket holding one second of tokens (matching's
 * `defaultBurstDuration`, server 1.24+), so after a quiet spell up to a second's worth of tasks
 * start at once: they wait for their slots in the pacing (a second or so, within the fetch's
 * heartbeat ticker), they are not sent together. Asking for more than the pacing's average would
 * make the wait grow without bound; asking for less (half, as before pacing) wastes throughput.
 * Every worker computes the same value from the same setting.
 */
export function taskQueueDispatchRate(rate: number): number {
  return pacedRatePerSecond(rate);
}

/**
 * The request pacing of every marketplace (src/db/request-pacing.ts), for
 * createMarketplaceAdapters' `pacing`: slots of pacingSpacingMs(rate) in `db`, shared with every
 * other worker on the same database. While the database is unreachable a request waits for it
 * like the persist step, until the attempt's persistDeadline, heartbeating.
 */
export function requestPacing(db: Db, env: Env, logger: Logger): (marketplace: MarketplaceName) => RequestPace {
  return (marketplace) => {
    const pacer = new RequestPacer({
      db,
      marketplace,
      spacingMs: pacingSpacingMs(ratePerSecond(env, marketplace)),
      outageDeadline: fetchOutageDeadline,
      onWaitingForDatabase: heartbeatWaitingForDatabase,
      // A stall between taking a slot and sending (an overloaded machine) is what pacing cannot
      // absorb beyond the allowance: worth seeing when it keeps happening.
      onLate: (lateMs, retakes, sent) =>
        logger.warn(
          sent
            ? `request pacing: ${marketplace} request sent ${Math.round(lateMs)} ms after its slot, after ${retakes} new slot(s)`
            : `request pacing: ${marketplace} request missed its slot by ${Math.round(lateMs)} ms; taking a new one`,
          { marketplace, lateMs: Math.round(lateMs), retakes },
        ),
    });
    return async (signal) => {
      await pacer.pace(signal);
    };
  };
}

/** The marketplace's requests per second across every worker: its descriptor's rate setting. */
export function ratePerSecond(env: Env, marketplace: MarketplaceName): number {
  const rate = settingOf(env, descriptorOf(marketplace).rateSetting);
  if (typeof rate !== 'number') throw new Error(`no rate setting for ${marketplace}`);
  return rate;
}

/**
 * Temporal's own log lines (with workflow and activity context) as our JSON lines, one line each
 * (see sdkLogRecord). `minLevel` raises the floor above LOG_LEVEL (the dev stack shows the SDK's
 * warnings only, unless LOG_LEVEL=debug).
 */
export function installRuntime(
  env: Env,
  logger: Logger,
  shutdownSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
  minLevel: 'info' | 'warn' = 'info',
): void {
  const floor = env.LOG_LEVEL === 'debug' ? 'debug' : env.LOG_LEVEL === 'info' ? minLevel : env.LOG_LEVEL;
  const level = floor === 'debug' ? 'DEBUG' : floor === 'info' ? 'INFO' : floor === 'warn' ? 'WARN' : 'ERROR';
  const queuesWithoutWorkflows = new Set(MARKETPLACE_NAMES.map((m) => marketplaceTaskQueue(env.TEMPORAL_TASK_QUEUE, m)));
  Runtime.install({
    shutdownSignals,
    // The SDK's own Prometheus exporter, on its own port beside the worker's /metrics.
    ...(env.TEMPORAL_METRICS_PORT > 0
      ? {
          telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${env.TEMPORAL_METRICS_PORT}`, countersTotalSuffix: true } } },
        }
      : {}),
    logger: new DefaultLogger(level, (entry: LogEntry) => {
      const r = sdkLogRecord(entry, queuesWithoutWorkflows);
      if (r.level !== 'debug' || floor === 'debug') logger[r.level](r.message, r.fields);
    }),
  });
}

/**
 * `ticket-tracker worker`: connects, migrates, serves every queue, and on SIGINT/SIGTERM stops
 * polling, lets in-flight activities finish within WORKER_SHUTDOWN_GRACE_SECONDS, and exits 0.
 */
export async function runWorker(env: Env, logger: Logger = createLogger(env.LOG_LEVEL)): Promise<void> {
  if (!env.DATABASE_URL)
    throw new Error('DATABASE_URL is required for `ticket-tracker worker` (use `ticket-tracker dev` for the embedded stack)');
  installRuntime(env, logger);
  const db = createPool(env.DATABASE_URL, env.DATABASE_POOL_MAX, (err) => logger.warn('database client error', { err }));
  const marketplaces = createMarketplaceAdapters(env, { pacing: requestPacing(db, env, logger) });
  for (const d of marketplaces.disabled) logger.warn(`marketplace ${d.marketplace} disabled: ${d.reason}`);
  const adapters = adapterMap(marketplaces.adapters);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const metrics = createWorkerMetrics({ processMetrics: true });
  let health: Awaited<ReturnType<typeof startHealthServer>> | undefined;
  try {
    const applied = await migrate(db, undefined, { storageMode: env.STORAGE_MODE });
    if (applied.length > 0) logger.info('applied migrations', { migrations: applied.map((m) => `${m.version}_${m.name}`) });
    const version = deploymentVersionOf(env);
    const workers = await createWorkers({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      db,
      env,
      logger,
      adapters,
      workflowBundlePath: env.WORKER_BUNDLE_PATH,
      metrics,
      version,
    });
    if (env.METRICS_PORT > 0) {
      health = await startHealthServer({
        port: env.METRICS_PORT,
        registry: metrics.registry,
        healthy: () => {
          const states = Object.fromEntries(workers.all.map((w) => [w.options.taskQueue, w.getState()]));
          return { ok: Object.values(states).every((s) => s === 'RUNNING'), detail: { workers: states } };
        },
      });
    }
    logger.info('worker polling', {
      node: process.version,
      // Worker Versioning: which version of which deployment this worker serves (null: unversioned).
      deployment: version ? { name: version.deploymentName, buildId: version.buildId } : null,
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueues: workers.all.map((w) => w.options.taskQueue),
      metricsPort: health?.port ?? null,
    });
    // The runtime's signal handlers call shutdown() on every worker; run() resolves after it.
    await workers.run();
    logger.info('worker stopped');
  } finally {
    await health?.close();
    await marketplaces.close().catch(() => undefined);
    await connection.close();
    await db.end();
  }
}
