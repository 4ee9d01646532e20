import path from 'node:path';
import { freePort } from '../src/embedded/ports';
import { startTemporalDevServer, type DevServerHandle } from '../src/embedded/temporal-dev-server';
import { resolveTemporalBinary } from '../src/embedded/temporal-binaries';
import type { Cleanups } from './harness';

/** The heap cap the production image gives workers (Dockerfile's NODE_OPTIONS). */
export const WORKER_NODE_OPTIONS = '--max-old-space-size=256';
/** glibc malloc arenas of the image (Dockerfile's MALLOC_ARENA_MAX): fewer arenas, less fragmentation across the SDK's threads. */
export const WORKER_MALLOC_ARENA_MAX = '2';

/**
 * The Temporal dev server the cycle benchmarks run against, in `dir`, on free ports: history in
 * memory unless BENCH_TEMPORAL_PERSIST=true (then its SQLite file). Its stop goes on `cleanups`,
 * which also run on Ctrl-C: it runs in its own process group, which the terminal's signal does
 * not reach.
 */
export async function startBenchDevServer(
  dir: string,
  cleanups: Cleanups,
  extra: { metricsPort?: number; onLog?: (line: string) => void } = {},
): Promise<DevServerHandle> {
  const server = await startTemporalDevServer({
    cliPath: resolveTemporalBinary('cli'),
    dataDir: path.join(dir, 'temporal'),
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    persist: process.env.BENCH_TEMPORAL_PERSIST === 'true',
    ...extra,
  });
  cleanups.push(() => server.stop());
  return server;
}
