/**
 * The real stack of a chaos run, as separate processes the suite can kill and start again: the
 * Temporal dev server on its SQLite file, an embedded PostgreSQL cluster, the mock marketplace
 * (`ticket-tracker mock-marketplace --request-log`) and worker processes (`ticket-tracker worker`).
 * All on loopback, all under one throwaway folder.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/embedded/postgres';
import { startTemporalDevServer, type DevServerHandle } from '../../src/embedded/temporal-dev-server';
import { waitForPort } from '../../src/embedded/ports';
import { resolveTemporalBinary } from '../../src/embedded/temporal-binaries';
import { fromRoot } from '../../src/config/paths';
import type { ProcessSet, Started } from './processes';

export interface StackPorts {
  temporal: number;
  temporalUi: number;
  postgres: number;
  mock: number;
}

const CLI = fromRoot('bin', 'ticket-tracker.js');

export async function startTemporal(procs: ProcessSet, dir: string, ports: StackPorts): Promise<DevServerHandle> {
  const handle = await startTemporalDevServer({
    cliPath: resolveTemporalBinary('cli'),
    dataDir: path.join(dir, 'temporal'),
    port: ports.temporal,
    uiPort: ports.temporalUi,
    namespace: 'default',
    persist: true,
  });
  procs.adopt(handle.process);
  return handle;
}

export async function startPostgres(procs: ProcessSet, dir: string, ports: StackPorts): Promise<EmbeddedPostgresHandle> {
  const handle = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: ports.postgres, durable: false });
  procs.adopt(handle.process);
  return handle;
}

export async function startMock(procs: ProcessSet, dir: string, ports: StackPorts, requestLog: string): Promise<Started> {
  const started = procs.spawn(
    'mock marketplace',
    process.execPath,
    [CLI, 'mock-marketplace', '--port', String(ports.mock), '--seed', '7', '--request-log', requestLog],
    { env: { ...process.env, LOG_LEVEL: 'warn' }, logFile: path.join(dir, 'mock.log'), cwd: dir },
  );
  let gone = false;
  void started.exited.then(() => (gone = true));
  await waitForPort(ports.mock, '127.0.0.1', 60_000, 'the mock marketplace', () => !gone);
  return started;
}

/** Settings every worker process gets (the same on both: a rate differing between workers would not hold). */
export function workerEnv(opts: {
  databaseUrl: string;
  temporalAddress: string;
  mockPort: number;
  taskQueue: string;
  bundlePath: string;
  rates: Record<string, number>;
  httpTimeoutMs: number;
  /** Worker Versioning: the deployment and build the workers poll as. */
  deployment: { name: string; buildId: string };
  /** The catalog the tracker loop's cycles sync (the upgrade drill's): the run's own events. */
  eventsFile: string;
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: opts.databaseUrl,
    TEMPORAL_ADDRESS: opts.temporalAddress,
    TEMPORAL_TASK_QUEUE: opts.taskQueue,
    MOCK_MARKETPLACE: 'true',
    MOCK_MARKETPLACE_PORT: String(opts.mockPort),
    WORKER_BUNDLE_PATH: opts.bundlePath,
    EVENTS_FILE: opts.eventsFile,
    TEMPORAL_DEPLOYMENT_NAME: opts.deployment.name,
    WORKER_BUILD_ID: opts.deployment.buildId,
    METRICS_PORT: '0',
    TEMPORAL_METRICS_PORT: '0',
    // info: the "worker polling" line tells the suite the worker is ready.
    LOG_LEVEL: 'info',
    WORKER_SHUTDOWN_GRACE_SECONDS: '1',
    HTTP_TIMEOUT_MS: String(opts.httpTimeoutMs),
    ...Object.fromEntries(Object.entries(opts.rates).map(([m, r]) => [`${m.toUpperCase()}_RATE_PER_SECOND`, String(r)])),
  };
}

/**
 * Starts `ticket-tracker worker` and resolves once it polls (its "worker polling" log line), or
 * rejects when it exits first or does not poll within `timeoutMs`.
 */
export async function startWorker(
  procs: ProcessSet,
  dir: string,
  index: number,
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<Started> {
  const logFile = path.join(dir, `worker-${index + 1}.log`);
  const before = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
  const started = procs.spawn(`worker ${index + 1}`, process.execPath, [CLI, 'worker'], { env, logFile, cwd: dir });
  let gone = false;
  void started.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(logFile, 'utf8').slice(before);
    if (text.includes('worker polling')) return started;
    if (gone) throw new Error(`worker ${index + 1} exited before polling:\n${text.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`worker ${index + 1} did not poll within ${timeoutMs / 1000} s:\n${text.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
