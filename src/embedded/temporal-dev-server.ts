import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { stopChild } from './processes';
import { isListening, waitForPort } from './ports';

/** Dynamic config for a single partition per task queue (read and write). */
export const TASK_QUEUE_PARTITIONS_ONE = ['matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1'];

export interface DevServerOptions {
  cliPath: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Keep history in `dataDir`'s SQLite file (default); false keeps it in memory only. */
  persist?: boolean;
  /** Search attributes to register at start: name -> type (Keyword, Text, Int, Datetime ...). */
  searchAttributes?: Record<string, string>;
  /** Port of the server's own Prometheus `/metrics` (`--metrics-port`); none when absent. */
  metricsPort?: number;
  onLog?: (line: string) => void;
}

export interface DevServerHandle {
  address: string;
  uiUrl: string;
  /** `http://127.0.0.1:PORT/metrics` when `metricsPort` was given. */
  metricsUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs `temporal server start-dev` with its SQLite file in `dataDir`, so workflow history
 * survives a restart of the embedded stack.
 */
export async function startTemporalDevServer(opts: DevServerOptions): Promise<DevServerHandle> {
  for (const [p, name] of [
    [opts.port, 'TEMPORAL_PORT'],
    [opts.uiPort, 'TEMPORAL_UI_PORT'],
  ] as const) {
    if (await isListening(p)) {
      throw new Error(`port ${p} is already in use, so the Temporal dev server cannot start; set ${name} to a free port`);
    }
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    // Without a file the server keeps everything in memory (tests and benchmarks).
    ...(opts.persist === false ? [] : ['--db-filename', path.join(opts.dataDir, 'temporal.sqlite')]),
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
    // One partition per task queue: a marketplace queue's rate limit is a token bucket per
    // partition with a burst of at least one task each, so with the default four partitions a
    // one-second window could dispatch four tasks beyond the rate, to wait in request pacing
    // (see taskQueueDispatchRate in src/worker.ts). Dev-server scale never needs more than one.
    ...TASK_QUEUE_PARTITIONS_ONE.flatMap((kv) => ['--dynamic-config-value', kv]),
    ...(opts.metricsPort ? ['--metrics-port', String(opts.metricsPort)] : []),
    ...Object.entries(opts.searchAttributes ?? {}).flatMap(([k, v]) => ['--search-attribute', `${k}=${v}`]),
  ];
  // Its own process group: a terminal's Ctrl-C reaches only us, and we stop children in order.
  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let alive = true;
  child.once('exit', () => {
    alive = false;
  });
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) opts.onLog?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  try {
    await waitForPort(opts.port, '127.0.0.1', 60_000, 'the Temporal dev server', () => alive);
    await waitForPort(opts.uiPort, '127.0.0.1', 30_000, 'the Temporal Web UI', () => alive);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: `http://127.0.0.1:${opts.uiPort}`,
    metricsUrl: opts.metricsPort ? `http://127.0.0.1:${opts.metricsPort}/metrics` : null,
    process: child,
    stop: () => stopChild(child, 15_000),
  };
}
