import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/embedded/postgres';
import { freePort } from '../../src/embedded/ports';
import { findTimescaleBinDir, startTimescaleCluster, TIMESCALE_TEST_URL_VAR } from '../../src/embedded/timescale';
import { startTemporalDevServer, type DevServerHandle } from '../../src/embedded/temporal-dev-server';
import { resolveTemporalBinary } from '../../src/embedded/temporal-binaries';

/**
 * Shared test infrastructure: one PostgreSQL and one Temporal dev server per test run. The
 * runner (scripts/run-tests.ts) starts them and passes their addresses to every test file
 * through these variables; a test file run on its own starts its own.
 */
export const ADMIN_URL_VAR = 'TT_TEST_ADMIN_DATABASE_URL';
export const TEMPORAL_ADDRESS_VAR = 'TT_TEST_TEMPORAL_ADDRESS';
/** The TimescaleDB cluster of the run, or why there is none (then its layout's tests are skipped). */
export const TIMESCALE_ADMIN_URL_VAR = 'TT_TEST_TIMESCALE_ADMIN_URL';
export const TIMESCALE_SKIP_VAR = 'TT_TEST_TIMESCALE_SKIP_REASON';
export { TIMESCALE_TEST_URL_VAR };

/** DATABASE_URL when set (a real server the user chose), else an embedded cluster in a temp folder. */
export interface TestServer {
  adminUrl: string;
  stop(): Promise<void>;
  /**
   * Synchronous last resort for a process that exits without awaiting stop() (a test file run on
   * its own under `node --test` exits without 'beforeExit'): signals the server to shut down and
   * removes its folder once it is gone.
   */
  stopAtExit(): void;
  /**
   * Lets the process end while the server runs (its child process and output pipes no longer
   * keep the event loop alive), so that a test file run on its own reaches 'beforeExit' and stops it.
   */
  unref(): void;
}

function unrefServer(pg: EmbeddedPostgresHandle): () => void {
  return () => {
    pg.process.unref();
    for (const stream of [pg.process.stdout, pg.process.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function atExit(pg: EmbeddedPostgresHandle, dir: string): () => void {
  return () => {
    const pid = pg.process.pid;
    if (pg.process.exitCode !== null || pid === undefined) return;
    try {
      process.kill(pid, 'SIGINT'); // fast shutdown
    } catch {
      return;
    }
    // Synchronous wait (an 'exit' handler cannot await), up to 10 s, then remove the folder.
    const tick = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; alive(pid) && waited < 10_000; waited += 50) Atomics.wait(tick, 0, 0, 50);
    if (!alive(pid)) rmSync(dir, { recursive: true, force: true });
  };
}

/** A server the user runs (DATABASE_URL, TIMESCALE_TEST_URL): used as it is, never stopped. */
function externalServer(adminUrl: string): TestServer {
  return { adminUrl, stop: async () => undefined, stopAtExit: () => undefined, unref: () => undefined };
}

/**
 * A throwaway cluster in a fresh temporary folder (prefix `prefix`), started by `start` with its
 * data directory; the folder goes with the cluster, also when the start fails.
 */
async function throwawayCluster(prefix: string, start: (dataDir: string) => Promise<EmbeddedPostgresHandle>): Promise<TestServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755); // when we are root, PostgreSQL runs as `postgres` and must reach its folder
  let pg: EmbeddedPostgresHandle;
  try {
    pg = await start(path.join(dir, 'data'));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    adminUrl: pg.adminUrl,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    stopAtExit: atExit(pg, dir),
    unref: unrefServer(pg),
  };
}

export async function startPostgresForTests(): Promise<TestServer> {
  if (process.env.DATABASE_URL) return externalServer(process.env.DATABASE_URL);
  return throwawayCluster('tt-pg-', async (dataDir) => startEmbeddedPostgres({ dataDir, port: await freePort(), durable: false }));
}

export async function startTemporalForTests(): Promise<{ address: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-temporal-'));
  let server: DevServerHandle | undefined;
  // A free port can be taken by someone else between our probe and the server's bind: retry.
  for (let attempt = 1; !server; attempt++) {
    try {
      server = await startTemporalDevServer({
        cliPath: resolveTemporalBinary('cli'),
        dataDir: dir,
        port: await freePort(),
        uiPort: await freePort(),
        namespace: 'default',
      });
    } catch (err) {
      if (attempt < 3) continue;
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }
  return {
    address: server.address,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TimescaleForTests = TestServer | { skipped: string };

/**
 * The TimescaleDB server of a test run: TIMESCALE_TEST_URL when set, else a throwaway cluster
 * started from the local PostgreSQL that has TimescaleDB, with the library preloaded (without it
 * CREATE EXTENSION kills the connection). Every test database with the extension loaded takes a
 * background worker, hence the raised worker limits. Absent TimescaleDB, the reason to skip.
 */
export async function startTimescaleForTests(): Promise<TimescaleForTests> {
  const url = process.env[TIMESCALE_TEST_URL_VAR];
  if (url) return externalServer(url);
  const found = findTimescaleBinDir();
  if ('reason' in found) return { skipped: found.reason };
  return throwawayCluster('tt-tsdb-', (dataDir) => startTimescaleCluster(found.binDir, dataDir));
}
