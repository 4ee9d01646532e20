import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Env } from './config';
import { redact } from './config/redact';
import { createPool, type Db } from './db/pool';
import { migrate } from './db/migrate';
import { startEmbeddedPostgres } from './embedded/postgres';
import { startTemporalDevServer } from './embedded/temporal-dev-server';
import type { Logger } from './logging/logger';
import { resolveTemporalBinary } from './tools/temporal-binaries';
import { createWorker } from './worker';

/** Something the dev stack started, stopped in reverse order on shutdown. */
interface Running {
  name: string;
  detail: string;
  /** Plumbing (connections) is stopped like the rest but not listed to the user. */
  hidden?: boolean;
  stop(): Promise<void>;
}

/**
 * `ticket-tracker dev` (what `npm start` runs): the whole product on one machine. Starts, in
 * order, the Temporal dev server, an embedded PostgreSQL (unless DATABASE_URL is set), the
 * migrations and the worker, then runs a self-check workflow through all of them. Ctrl-C or
 * SIGTERM stops everything it started, in reverse order.
 */
export async function runDevStack(env: Env, logger: Logger): Promise<void> {
  // We handle signals ourselves so that every child, not only the worker, is stopped.
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger(env.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  const running: Running[] = [];
  let stopping = false;
  let resolveStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((r) => (resolveStop = r));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`received ${signal}, stopping the embedded stack`);
    resolveStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const dataDir = path.resolve(env.DATA_DIR);
  const say = (line: string): void => void process.stdout.write(line + '\n');
  let db: Db | undefined;
  try {
    const cliPath = resolveTemporalBinary('cli');
    const temporal = await startTemporalDevServer({
      cliPath,
      dataDir: path.join(dataDir, 'temporal'),
      port: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      namespace: env.TEMPORAL_NAMESPACE,
      onLog: (line) => logger.debug(line, { component: 'temporal' }),
    });
    running.push({ name: 'Temporal dev server', detail: `${temporal.address} (UI ${temporal.uiUrl})`, stop: temporal.stop });
    if (stopping) return;

    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(dataDir, 'postgres'),
        port: env.EMBEDDED_PG_PORT,
        onLog: (line) => logger.debug(line, { component: 'postgres' }),
      });
      running.push({ name: 'PostgreSQL (embedded)', detail: pg.url, stop: pg.stop });
      databaseUrl = pg.url;
    } else {
      running.push({ name: 'PostgreSQL (DATABASE_URL)', detail: redact(databaseUrl), stop: async () => undefined });
    }
    if (stopping) return;

    const pool = createPool(databaseUrl, env.DATABASE_POOL_MAX, (err) => logger.warn('idle database client error', { err }));
    db = pool;
    const applied = await migrate(pool);
    logger.info('migrations applied', { count: applied.length });

    const connection = await NativeConnection.connect({ address: temporal.address });
    running.push({ name: 'Worker connection', detail: temporal.address, hidden: true, stop: () => connection.close() });
    const worker = await createWorker({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      db: pool,
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      shutdownGraceTime: `${env.WORKER_SHUTDOWN_GRACE_SECONDS}s`,
    });
    const workerRun = worker.run();
    running.push({
      name: 'Worker',
      detail: `task queue ${env.TEMPORAL_TASK_QUEUE}`,
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await workerRun;
      },
    });

    const clientConnection = await Connection.connect({ address: temporal.address });
    running.push({ name: 'Temporal client', detail: temporal.address, hidden: true, stop: () => clientConnection.close() });
    const client = new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE });
    const check = await client.workflow.execute('selfCheck', {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowId: `self-check/${new Date().toISOString()}`,
      workflowExecutionTimeout: '2 minutes',
    });

    say('');
    say('Ticket Tracker is running:');
    for (const r of running.filter((x) => !x.hidden)) say(`  ${r.name.padEnd(28)} ${r.detail}`);
    say(`  ${'Self-check'.padEnd(28)} workflow -> worker -> PostgreSQL ok (${(check as { totalChecks: number }).totalChecks} so far)`);
    say('');
    say(`Temporal Web UI: ${temporal.uiUrl}   (temporal workflow list --address ${temporal.address})`);
    say('Press Ctrl-C to stop everything.');

    // A worker that dies on its own ends the stack too: nothing useful runs without it.
    await Promise.race([stopRequested, workerRun.then(() => {
      if (!stopping) logger.error('worker stopped unexpectedly');
    })]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const r of running.reverse()) {
      if (r.name === 'PostgreSQL (embedded)' || r.name === 'PostgreSQL (DATABASE_URL)') await db?.end().catch(() => undefined);
      await r.stop().catch((err: unknown) => logger.warn(`could not stop ${r.name} cleanly`, { err }));
    }
    say('stopped.');
  }
}
