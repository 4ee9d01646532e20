import path from 'node:path';
import type { Env } from './config';
import { redact } from './config/redact';
import { createPool, type Db } from './db/pool';
import { migrate } from './db/migrate';
import { startEmbeddedPostgres } from './embedded/postgres';
import { startTemporalDevServer } from './embedded/temporal-dev-server';
import type { Logger } from './logging/logger';
import { resolveTemporalBinary } from './embedded/temporal-binaries';
import { MAINTENANCE_SCHEDULES } from './client/schedules';
import { TrackerClient } from './client/tracker-client';
import { trackerSettingsFrom } from './cli/tracker-settings';
import { startMockMarketplace } from './mock-marketplace';
import { createMarketplaceAdapters } from './marketplaces/index';
import { adapterMap, connectWorkers, createWorkers, installRuntime, requestPacing } from './worker';
import { startDashboard } from './dashboard/server';
import { temporalUiOf } from './dashboard/temporal-links';

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
  installRuntime(env, logger, [], 'warn');
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
        onRelocated: (dir) => logger.info(`PostgreSQL cluster kept in ${dir}: the postgres account cannot enter ${dataDir}`),
      });
      running.push({ name: 'PostgreSQL (embedded)', detail: pg.url, stop: pg.stop });
      databaseUrl = pg.url;
    } else {
      running.push({ name: 'PostgreSQL (DATABASE_URL)', detail: redact(databaseUrl), stop: async () => undefined });
    }
    if (stopping) return;

    const pool = createPool(databaseUrl, env.DATABASE_POOL_MAX, (err) => logger.warn('database client error', { err }));
    db = pool;
    const applied = await migrate(pool, undefined, { storageMode: env.STORAGE_MODE });
    logger.info('migrations applied', { count: applied.length });

    let mockUrl: string | undefined;
    if (env.MOCK_MARKETPLACE) {
      // One catalog row's ids name one event: the mock serves them one market (each marketplace
      // with its own price level and fees), so the marketplaces compare as real ones would.
      const rows = new Map<string, string>();
      const marketOf = async (marketplace: string, id: string): Promise<string | undefined> => {
        const known = rows.get(`${marketplace}:${id}`);
        if (known) return known;
        const found = await pool.query<{ event_id: string }>(
          'SELECT event_id FROM event_sources WHERE marketplace = $1 AND marketplace_event_id = $2',
          [marketplace, id],
        );
        const eventId = found.rows[0]?.event_id;
        if (eventId === undefined) return undefined;
        rows.set(`${marketplace}:${id}`, `catalog-event-${eventId}`);
        return `catalog-event-${eventId}`;
      };
      const mock = await startMockMarketplace({
        port: env.MOCK_MARKETPLACE_PORT,
        seed: env.MOCK_MARKETPLACE_SEED,
        host: '127.0.0.1',
        marketOf,
      });
      running.push({
        name: 'Mock marketplace',
        detail: `${mock.url} (all four formats, seed ${env.MOCK_MARKETPLACE_SEED})`,
        stop: () => mock.close(),
      });
      mockUrl = mock.url;
    }
    const marketplaces = createMarketplaceAdapters(env, { ...(mockUrl ? { mockUrl } : {}), pacing: requestPacing(pool, env, logger) });
    running.push({ name: 'Marketplace clients', detail: '', hidden: true, stop: () => marketplaces.close() });
    for (const d of marketplaces.disabled) logger.warn(`marketplace ${d.marketplace} disabled: ${d.reason}`);
    const adapters = adapterMap(marketplaces.adapters);

    const connection = await connectWorkers(temporal.address);
    running.push({ name: 'Worker connection', detail: temporal.address, hidden: true, stop: () => connection.close() });
    const workers = await createWorkers({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      db: pool,
      env,
      logger,
      adapters,
    });
    const workerRun = workers.run();
    running.push({
      name: 'Worker',
      detail: `task queues ${workers.all.map((w) => w.options.taskQueue).join(', ')}`,
      stop: async () => {
        workers.shutdown();
        await workerRun.catch(() => undefined);
      },
    });

    const client = await TrackerClient.connect(temporal.address, env.TEMPORAL_NAMESPACE);
    running.push({ name: 'Temporal client', detail: temporal.address, hidden: true, stop: () => client.close() });
    const check = await client.selfCheck(env.TEMPORAL_TASK_QUEUE);
    await client.applySchedules(env.TEMPORAL_TASK_QUEUE);
    const settings = trackerSettingsFrom(env, {});
    const tracker = await client.startTracker(env.TEMPORAL_TASK_QUEUE, settings);

    let dashboardUrl: string | null = null;
    try {
      const dashboard = await startDashboard({
        db: pool,
        port: env.DASHBOARD_PORT,
        token: env.DASHBOARD_TOKEN,
        temporalUi: { ...temporalUiOf(env), baseUrl: env.TEMPORAL_UI_URL ?? temporal.uiUrl },
        logger,
      });
      dashboardUrl = dashboard.url;
      running.push({ name: 'Dashboard', detail: dashboard.url, stop: () => dashboard.close() });
    } catch (err) {
      // The rest of the stack is useful without it; say why it is missing.
      logger.warn(`dashboard not started on 127.0.0.1:${env.DASHBOARD_PORT}: ${(err as Error).message} (set DASHBOARD_PORT)`);
    }

    say('');
    say('Ticket Tracker is running:');
    for (const r of running.filter((x) => !x.hidden)) say(`  ${r.name.padEnd(28)} ${r.detail}`);
    say(`  ${'Self-check'.padEnd(28)} workflow -> worker -> PostgreSQL ok (${check.totalChecks} so far)`);
    say(`  ${'Schedules'.padEnd(28)} ${MAINTENANCE_SCHEDULES.map((x) => x.id).join(', ')}`);
    say(
      `  ${'Tracker loop'.padEnd(28)} workflow "tracker" ${tracker.started ? 'started' : 'already running'}: every ~${settings.intervalHours} h (${settings.randomization}) over ${env.GOOGLE_SHEET_ID ? 'the Google Sheet' : env.EVENTS_FILE}`,
    );
    say('');
    say(`Temporal Web UI: ${temporal.uiUrl}   (temporal workflow list --address ${temporal.address})`);
    if (dashboardUrl) say(`Dashboard:       ${dashboardUrl}`);
    say('Press Ctrl-C to stop everything.');

    // A worker that dies on its own ends the stack too: nothing useful runs without it.
    await Promise.race([
      stopRequested,
      workerRun
        .catch((err: unknown) => logger.error('worker failed', { err }))
        .then(() => {
          if (!stopping) logger.error('worker stopped unexpectedly');
        }),
    ]);
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
