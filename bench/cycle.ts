import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Client, Connection } from '@temporalio/client';

import { applyRules, ruleInputOf } from '../src/alerts/rules/store';
import { ruleSpecSchema } from '../src/alerts/rules/types';
import { catalogReader } from '../src/catalog/read/open-reader';
import { listDueEvents } from '../src/catalog/lifecycle';
import { syncEvents } from '../src/catalog/sync';
import { parseEnv, type Env } from '../src/config';
import { persistScrape } from '../src/scrape/store';
import { migrate } from '../src/db/migrate';
import type { Db } from '../src/db/pool';
import { startEmbeddedPostgres } from '../src/embedded/postgres';
import { freePort, waitForPort } from '../src/embedded/ports';
import { stopChild } from '../src/embedded/processes';
import { createLogger } from '../src/logging/logger';
import { createMarketplaceAdapters } from '../src/marketplaces/index';
import { fromRoot } from '../src/config/paths';
import { requestPacing } from '../src/worker';
import { scrapeEvents } from '../src/workflows';
import { benchTempDir, intArg, round, type Benchmark } from './harness';
import { startBenchDevServer, WORKER_MALLOC_ARENA_MAX, WORKER_NODE_OPTIONS } from './dev-server';
import { breakdownFigures, takeReading, type ProcessTrees } from './cycle-breakdown';
import { scrapeMetrics, total } from './prometheus';
import { createThrowawayDatabase } from '../test/helpers/throwaway-database';

/**
 * A scrape cycle through Temporal against the same fetch-and-persist work in a plain loop, on the
 * mock marketplace with no added latency: Temporal's overhead per event, the history size of one
 * event with 5,000 listings, and the worker's resident memory over consecutive cycles.
 */
/** Scrape children in flight (the tracker's fanout) and, in the plain loop, events in flight. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
/** Fetch activities in flight on the worker (MARKETPLACE_CONCURRENCY). */
const FETCH_CONCURRENCY = Number(process.env.BENCH_FETCH_CONCURRENCY ?? CONCURRENCY);

async function startMock(poolSize: number): Promise<{ url: string; port: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [fromRoot('bin', 'ticket-tracker.js'), 'mock-marketplace', '--port', String(port), '--seed', '11', '--pool-size', String(poolSize)],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitForPort(port, '127.0.0.1', 60_000, 'the mock marketplace', () => child.exitCode === null);
  return { url: `http://127.0.0.1:${port}`, port: String(port), process: child };
}

/** Resident memory of the worker process, from /proc: current, and the kernel's high-water mark. */
function rssOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/**
 * `ticket-tracker worker` from the production build (dist/, prebuilt workflow bundle), as its
 * own process, so its memory is the worker's alone.
 */
async function startWorkerProcess(env: Record<string, string>): Promise<{ process: ChildProcess; healthPort: number }> {
  const healthPort = await freePort();
  // BENCH_WORKER_NODE_ARGS: node flags NODE_OPTIONS refuses (--cpu-prof, --heap-prof), to see where the worker's time goes.
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, fromRoot('dist', 'client.js'), 'worker'], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS ?? WORKER_NODE_OPTIONS,
      MALLOC_ARENA_MAX: process.env.BENCH_MALLOC_ARENA_MAX ?? WORKER_MALLOC_ARENA_MAX,
      ...env,
      METRICS_PORT: String(healthPort),
      WORKER_BUNDLE_PATH: fromRoot('dist', 'workflow-bundle.js'),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${healthPort}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the worker process did not become healthy');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { process: child, healthPort };
}

async function plainLoop(
  db: Db,
  env: Env,
  mockUrl: string,
  events: { id: number; marketplaceIds: { marketplace: string; marketplaceEventId: string }[] }[],
  tag: string,
): Promise<number> {
  // Paced like the worker's requests (one statement each), so both sides do the same work.
  const adapters = createMarketplaceAdapters(env, { mockUrl, pacing: requestPacing(db, env, createLogger('error')) });
  const adapter = adapters.adapters.vividseats!;
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < events.length) {
        const e = events[next++]!;
        const id = e.marketplaceIds.find((s) => s.marketplace === 'vividseats')!.marketplaceEventId;
        const fetched = await adapter.fetchPrices(id);
        await persistScrape(db, {
          scrapeId: `${tag}/${e.id}/vividseats`,
          eventId: e.id,
          marketplace: 'vividseats',
          capturedAt: new Date(),
          fetched,
        });
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await adapters.close();
  return seconds;
}

export const benchmark: Benchmark = {
  name: 'cycle',
  description: 'one cycle of N events (500 listings each) through Temporal vs a plain loop; history size; worker memory',
  async run(args) {
    const events = intArg(args, 'events', 1000);
    // At least 3: memory growth is read from cycle 2 to the last.
    const cycles = intArg(args, 'cycles', 10, 3);
    const { dir, remove } = benchTempDir('tt-bench-cycle-');
    const cleanups: (() => Promise<unknown>)[] = [];
    try {
      // Infrastructure: PostgreSQL (DATABASE_URL or embedded), a Temporal dev server, the mock in its own process.
      let adminUrl = process.env.DATABASE_URL;
      let postgresPid: number | null = null;
      if (!adminUrl) {
        // Like the ingest bench's: no fsync (see bench/database.ts).
        const pgServer = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), durable: false });
        cleanups.push(() => pgServer.stop());
        adminUrl = pgServer.adminUrl;
        postgresPid = pgServer.process.pid ?? null;
      }
      // Migrated below, by the product's own default (auto: TimescaleDB when the server has it).
      const database = await createThrowawayDatabase(adminUrl, { prefix: 'tt_bench_cycle', layout: null, poolMax: 20 });
      cleanups.push(() => database.drop());
      const temporal = await startBenchDevServer(dir, {
        metricsPort: await freePort(),
        // BENCH_SERVER_LOG=FILE: the dev server's own output (with GODEBUG=gctrace=1, its Go GC's share of CPU).
        ...(process.env.BENCH_SERVER_LOG ? { onLog: (line: string) => appendFileSync(process.env.BENCH_SERVER_LOG!, `${line}\n`) } : {}),
      });
      cleanups.push(() => temporal.stop());
      const mock = await startMock(1500);
      cleanups.push(() => stopChild(mock.process, 5000));

      // The worker runs as in production: compiled, with the prebuilt workflow bundle.
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: fromRoot(), stdio: ['ignore', 'ignore', 'inherit'] });
      const db = database.db;
      await migrate(db);
      const catalogFile = path.join(dir, 'events.csv');
      const rows = Array.from(
        { length: events },
        (_, i) => `Bench Event ${i + 1},Bench Arena,Boston,MA,US,2027-09-01 20:00,America/New_York,,${100000 + i},,,TRUE`,
      );
      writeFileSync(
        catalogFile,
        [
          'Event Name,Venue,City,State,Country,Event Date (Local),Time Zone,viagogoID,Vivid Seats ID,SeatGeek ID,Ticketmaster ID,is_tracked',
          ...rows,
        ].join('\n'),
      );
      const env = parseEnv({
        MOCK_MARKETPLACE: 'true',
        MARKETPLACES: 'vividseats',
        EVENTS_FILE: catalogFile,
        VIVIDSEATS_RATE_PER_SECOND: '100000',
        MARKETPLACE_CONCURRENCY: String(CONCURRENCY),
        WORKER_SHUTDOWN_GRACE_SECONDS: '5',
        LOG_LEVEL: 'error',
      });
      await syncEvents(db, catalogReader(env));
      // Alerts and change detection included: three rules on every event, evaluated on every scrape.
      await applyRules(
        db,
        ['drop 10', 'rise 10', 'below 20'].map((condition) =>
          ruleInputOf(ruleSpecSchema.parse({ name: `bench ${condition}`, condition, channels: 'webhook', cooldown: 'none' }), null),
        ),
      );
      const due = await listDueEvents(db, new Date(), 0);

      const connection = await Connection.connect({ address: temporal.address });
      cleanups.push(() => connection.close());
      const client = new Client({ connection });
      const workerEnv = {
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: temporal.address,
        MOCK_MARKETPLACE: 'true',
        MARKETPLACES: 'vividseats',
        VIVIDSEATS_RATE_PER_SECOND: '100000',
        MARKETPLACE_CONCURRENCY: String(FETCH_CONCURRENCY),
        WORKER_SHUTDOWN_GRACE_SECONDS: '5',
        // The plain loop's pool has 20 connections (createThrowawayDatabase's poolMax above): the same for the worker.
        DATABASE_POOL_MAX: '20',
        ...(process.env.WORKER_MAX_CACHED_WORKFLOWS ? { WORKER_MAX_CACHED_WORKFLOWS: process.env.WORKER_MAX_CACHED_WORKFLOWS } : {}),
      };
      const taskQueue = 'bench-cycle';
      const sdkMetricsPort = await freePort();
      const worker = await startWorkerProcess({
        ...workerEnv,
        TEMPORAL_TASK_QUEUE: taskQueue,
        MOCK_MARKETPLACE_PORT: mock.port,
        TEMPORAL_METRICS_PORT: String(sdkMetricsPort),
      });
      cleanups.push(() => stopChild(worker.process, 10_000));

      // Warm-up: one small cycle, so connection set-up and first-use costs are not measured.
      await client.workflow.execute(scrapeEvents, {
        taskQueue,
        workflowId: 'bench-warmup',
        args: [{ eventIds: due.slice(0, 20).map((e) => e.id), fanout: CONCURRENCY }],
      });

      const trees: ProcessTrees = {
        worker: worker.process.pid!,
        temporal_server: temporal.process.pid!,
        postgres: postgresPid,
        mock: mock.process.pid!,
      };
      const endpoints = { sdk: `http://127.0.0.1:${sdkMetricsPort}/metrics`, server: temporal.metricsUrl! };
      const before = await takeReading(trees, endpoints);
      const cycleSeconds: number[] = [];
      const rssAfter: number[] = [];
      // The worker's own Node.js figures (prom-client default metrics on its /metrics): is a growth JS heap or native?
      const heapAfter: { used: number; total: number; external: number }[] = [];
      let listings = 0;
      for (let c = 0; c < cycles; c++) {
        const t = process.hrtime.bigint();
        const result = await client.workflow.execute(scrapeEvents, {
          taskQueue,
          workflowId: `bench-cycle-${c}`,
          args: [{ fanout: CONCURRENCY }],
        });
        cycleSeconds.push(Number(process.hrtime.bigint() - t) / 1e9);
        if (c === 0) listings = result.summary.listingsStored;
        if (result.summary.eventsScraped !== events)
          throw new Error(`cycle ${c}: only ${result.summary.eventsScraped}/${events} events stored`);
        await new Promise((r) => setTimeout(r, 1000)); // let the worker's GC settle before reading its memory
        rssAfter.push(rssOf(worker.process.pid!).rssMb);
        const node = await scrapeMetrics(`http://127.0.0.1:${worker.healthPort}/metrics`);
        heapAfter.push({
          used: total(node, 'nodejs_heap_size_used_bytes') / 2 ** 20,
          total: total(node, 'nodejs_heap_size_total_bytes') / 2 ** 20,
          external: total(node, 'nodejs_external_memory_bytes') / 2 ** 20,
        });
        if (process.env.BENCH_VERBOSE)
          process.stderr.write(
            `cycle ${c}: ${cycleSeconds[c]!.toFixed(2)} s, rss ${rssAfter[c]!.toFixed(1)} MB, heap used ${heapAfter[c]!.used.toFixed(1)} / total ${heapAfter[c]!.total.toFixed(1)} MB, external ${heapAfter[c]!.external.toFixed(1)} MB, load ${os.loadavg()[0]!.toFixed(1)}\n`,
          );
      }
      const after = await takeReading(trees, endpoints);
      const peak = rssOf(worker.process.pid!).peakMb;
      await stopChild(worker.process, 10_000);

      const plainTrees: ProcessTrees = { worker: null, temporal_server: null, postgres: postgresPid, mock: mock.process.pid! };
      const plainBefore = await takeReading(plainTrees, {});
      const plainSeconds = await plainLoop(db, env, mock.url, due, 'plain');
      const plainAfter = await takeReading(plainTrees, {});
      const breakdown = await breakdownFigures({
        client,
        parentWorkflowId: `bench-cycle-${Math.min(1, cycles - 1)}`,
        temporal: { before, after, events: events * cycles },
        plain: { before: plainBefore, after: plainAfter, events },
        fanout: CONCURRENCY,
      });

      // History of one event with ~5,000 listings: a second mock with a deeper pool.
      const bigMock = await startMock(22_000);
      cleanups.push(() => stopChild(bigMock.process, 5000));
      const bigWorker = await startWorkerProcess({
        ...workerEnv,
        TEMPORAL_TASK_QUEUE: 'bench-history',
        MOCK_MARKETPLACE_PORT: bigMock.port,
      });
      cleanups.push(() => stopChild(bigWorker.process, 10_000));
      const target = due.find((e) => e.marketplaceIds[0]!.marketplaceEventId === '100006')!;
      const one = await client.workflow.execute(scrapeEvents, {
        taskQueue: 'bench-history',
        workflowId: 'bench-history',
        args: [{ eventIds: [target.id] }],
      });
      const childId = `scrape/${target.id}/${one.summary.startedAt}`;
      const history = await client.workflow.getHandle(childId).fetchHistory();

      // The median of the 10 cycles: one cycle alone is at the mercy of whatever else the machine does.
      const temporalCycle = [...cycleSeconds].sort((a, b) => a - b)[Math.floor(cycles / 2)]!;
      return {
        events,
        listings_per_event: Math.round(listings / events),
        temporal_cycle_s: round(temporalCycle, 2),
        temporal_cycle_s_first: round(cycleSeconds[0]!, 2),
        temporal_cycle_s_max: round(Math.max(...cycleSeconds), 2),
        plain_loop_s: round(plainSeconds, 2),
        ratio_temporal_to_plain: round(temporalCycle / plainSeconds, 2),
        overhead_ms_per_event: round(((temporalCycle - plainSeconds) * 1000) / events, 2),
        history_listings: one.events[0]?.result?.outcomes[0]?.listingsStored ?? 0,
        history_bytes_5000: historyToJSON(history).length,
        worker_rss_peak_mb: round(peak, 1),
        rss_after_cycle_1_mb: round(rssAfter[0]!, 1),
        rss_after_cycle_2_mb: round(rssAfter[1]!, 1),
        [`rss_after_cycle_${cycles}_mb`]: round(rssAfter[cycles - 1]!, 1),
        // Cycle 2 to the last: the first cycle still fills caches and pools that then stay.
        [`rss_growth_mb_${cycles}_cycles`]: round(rssAfter[cycles - 1]! - rssAfter[1]!, 1),
        [`heap_used_growth_mb_${cycles}_cycles`]: round(heapAfter[cycles - 1]!.used - heapAfter[1]!.used, 1),
        [`heap_total_growth_mb_${cycles}_cycles`]: round(heapAfter[cycles - 1]!.total - heapAfter[1]!.total, 1),
        [`external_growth_mb_${cycles}_cycles`]: round(heapAfter[cycles - 1]!.external - heapAfter[1]!.external, 1),
        heap_total_after_cycle_2_mb: round(heapAfter[1]!.total, 1),
        fanout: CONCURRENCY,
        fetch_concurrency: FETCH_CONCURRENCY,
        temporal_persistence: process.env.BENCH_TEMPORAL_PERSIST === 'true' ? 'sqlite file' : 'in memory',
        load_average_1m: round(os.loadavg()[0]!, 1),
        ...breakdown,
      };
    } finally {
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
      remove();
    }
  },
};
