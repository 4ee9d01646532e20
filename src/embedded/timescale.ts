import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './postgres';
import { freePort } from './ports';

/**
 * Throwaway PostgreSQL clusters with TimescaleDB, for the test suite's and the benchmarks' second
 * storage layout. npm's embedded PostgreSQL has no TimescaleDB; a machine's own PostgreSQL may
 * (../shared/tools/install-timescaledb builds 2.17.2 into Debian's PostgreSQL 15).
 */
/** A TimescaleDB server (Timescale license) chosen by the user, instead of the throwaway cluster. */
export const TIMESCALE_TEST_URL_VAR = 'TIMESCALE_TEST_URL';

/** Where PostgreSQL installations with TimescaleDB are looked for (Debian's layout), newest first. */
const PG_ROOT = '/usr/lib/postgresql';

/**
 * The bin folder of a local PostgreSQL whose library folder holds TimescaleDB (what
 * ../shared/tools/install-timescaledb installs), or why there is none. TIMESCALE_PG_BIN overrides.
 */
export function findTimescaleBinDir(): { binDir: string } | { reason: string } {
  const forced = process.env.TIMESCALE_PG_BIN;
  const candidates = forced
    ? [forced]
    : existsSync(PG_ROOT)
      ? readdirSync(PG_ROOT)
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => path.join(PG_ROOT, v, 'bin'))
      : [];
  for (const binDir of candidates) {
    if (!existsSync(path.join(binDir, 'postgres')) || !existsSync(path.join(binDir, 'pg_config'))) continue;
    try {
      const lib = execFileSync(path.join(binDir, 'pg_config'), ['--pkglibdir'], { encoding: 'utf8' }).trim();
      const share = execFileSync(path.join(binDir, 'pg_config'), ['--sharedir'], { encoding: 'utf8' }).trim();
      if (existsSync(path.join(lib, 'timescaledb.so')) && existsSync(path.join(share, 'extension', 'timescaledb.control')))
        return { binDir };
    } catch {
      /* not a usable installation: try the next */
    }
  }
  return {
    reason: forced
      ? `TIMESCALE_PG_BIN=${forced} has no PostgreSQL with TimescaleDB installed`
      : `no PostgreSQL with TimescaleDB under ${PG_ROOT} (run ../shared/tools/install-timescaledb, or set ${TIMESCALE_TEST_URL_VAR})`,
  };
}

/**
 * Starts a cluster from `binDir` in `dataDir` with the library preloaded (without it CREATE
 * EXTENSION kills the connection). Every database with the extension loaded takes a background
 * worker for its job scheduler, hence the raised worker limits for clusters of many databases.
 */
export async function startTimescaleCluster(binDir: string, dataDir: string): Promise<EmbeddedPostgresHandle> {
  return startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    durable: false,
    binDir,
    settings: {
      shared_preload_libraries: 'timescaledb',
      max_worker_processes: '64',
      'timescaledb.max_background_workers': '48',
      'timescaledb.telemetry_level': 'off',
    },
  });
}
