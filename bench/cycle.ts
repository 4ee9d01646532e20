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
import { parseEnv } from '../src/config';
import { migrate } from '../src/db/migrate';
import { startEmbeddedPostgres } from '../src/embedded/postgres';
import { freePort, waitForPort } from '../src/embedded/ports';
import { stopChild } from '../src/embedded/processes';
import { createLogger } from '../src/logging/logger';
import { createMarketplaceAdapters } from '../src/marketplaces/index';
import { fromRoot } from '../src/config/paths';
import { adapterMap, requestPacing } from '../src/worker';
import { scrapeEvents } from '../src/workflows';
import { benchTempDir, cleanupStack, intArg, median, round, type Benchmark, type Cleanups } from './harness';
import { startBenchDevServer, WORKER_MALLOC_ARENA_MAX, WORKER_NODE_OPTIONS } from './dev-server';
import { addUsage, breakdownFigures, NO_USAGE, takeReading, usageBetween, type ProcessTrees, type Reading } from './cycle-breakdown';
import { actionFigures } from './actions';
import { historyTree } from './cycle-histories';
import { startFloorWorker } from './floor';
import { plainCycle } from './plain-cycle';
import { scrapeMetrics, total } from './prometheus';
import { createThrowawayDatabase } from '../test/helpers/throwaway-database';

/**
 * What a scrape cycle costs, in rounds that each run three sides on the same dev server and the
 * same events, one after the other: the floor (bench/floor.ts: the cycle's shape through Temporal
 * with empty work), the product's cycle through Temporal (scrapeEvents, as `ticket-tracker scrape`
 * runs it: three alert rules on every event, rollups at the cycle's end), and the plain loop
 * (bench/plain-cycle.ts: the same activity functions in-process, without Temporal) on the mock
 * marketplace with no added latency. Per event for each side: wall time (median round) and CPU
 * by process; for the cycle: Temporal Cloud Actions and history events per event scrape, counted
 * from the histories of one cycle (bench/actions.ts), the server's persistence requests, the
 * history of one event with 5,000 listings, and the worker's resident memory over the rounds.
 */
/** Scrape children in flight (the tracker's fanout) and, in the plain loop, events in flight. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
/** Fetch activities in flight on the worker (MARKETPLACE_CONCURRENCY). */
const FETCH_CONCURRENCY = Number(process.env.BENCH_FETCH_CONCURRENCY ?? CONCURRENCY);
/**
 * Marketplaces each event is scraped on (BENCH_MARKETPLACES, comma-separated; Vivid Seats alone by
 * default): each gets its catalog column filled and an unlimited rate, on both sides.
 */
const MARKETPLACE_LIST = (process.env.BENCH_MARKETPLACES ?? 'vividseats')
  .split(',')
  .map((m) => m.trim())
  .filter((m) => m !== '');
/** The catalog id of bench event `i` on each marketplace (each in the form its descriptor accepts). */
const BENCH_EVENT_IDS: Record<string, (i: number) => string> = {
  stubhub: (i) => String(150000000 + i),
  vividseats: (i) => String(100000 + i),
  seatgeek: (i) => String(7000000 + i),
  ticketmaster: (i) => `Z7bench${i}`,
};
const idOf = (marketplace: string, i: number): string => (MARKETPLACE_LIST.includes(marketplace) ? BENCH_EVENT_IDS[marketplace]!(i) : '');
const UNLIMITED_RATES = Object.fromEntries(MARKETPLACE_LIST.map((m) => [`${m.toUpperCase()}_RATE_PER_SECOND`, '100000']));
/** Errors in the last hour that raise the operator's alert: scrapeEvents' default, for the plain loop too. */
const ERROR_ALERT_THRESHOLD = 10;

/** The mock marketplace in its own process; its stop goes on `cleanups` as soon as it is spawned. */
async function startMock(poolSize: number, cleanups: Cleanups): Promise<{ url: string; port: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [fromRoot('bin', 'ticket-tracker.js'), 'mock-marketplace', '--port', String(port), '--seed', '11', '--pool-size', String(poolSize)],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  cleanups.push(() => stopChild(child, 5000));
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
 * own process, so its memory is the worker's alone; its stop goes on `cleanups` once spawned.
 */
async function startWorkerProcess(env: Record<string, string>, cleanups: Cleanups): Promise<{ process: ChildProcess; healthPort: number }> {
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
  cleanups.push(() => stopChild(child, 10_000));
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

export const benchmark: Benchmark = {
  name: 'cycle',
  description:
    'rounds of N events (500 listings each): empty floor cycle, the cycle through Temporal, the plain loop; Actions, history, worker memory',
  flags: { events: 1, cycles: 2 },
  async run(args) {
    const events = intArg(args, 'events', 1000);
    // At least 2: memory growth is read from cycle 2 to the last (from cycle 1 when there are 2).
    const cycles = intArg(args, 'cycles', 10, 2);
    const { dir, remove } = benchTempDir('tt-bench-cycle-');
    const cleanups = cleanupStack();
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
      const temporal = await startBenchDevServer(dir, cleanups, {
        metricsPort: await freePort(),
        // BENCH_SERVER_LOG=FILE: the dev server's own output (with GODEBUG=gctrace=1, its Go GC's share of CPU).
        ...(process.env.BENCH_SERVER_LOG ? { onLog: (line: string) => appendFileSync(process.env.BENCH_SERVER_LOG!, `${line}\n`) } : {}),
      });
      const mock = await startMock(1500, cleanups);

      // The worker runs as in production: compiled, with the prebuilt workflow bundle.
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: fromRoot(), stdio: ['ignore', 'ignore', 'inherit'] });
      const db = database.db;
      await migrate(db);
      const catalogFile = path.join(dir, 'events.csv');
      const rows = Array.from(
        { length: events },
        (_, i) =>
          `Bench Event ${i + 1},Bench Arena,Boston,MA,US,2027-09-01 20:00,America/New_York,${idOf('stubhub', i)},${idOf('vividseats', i)},${idOf('seatgeek', i)},${idOf('ticketmaster', i)},TRUE`,
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
        MARKETPLACES: MARKETPLACE_LIST.join(','),
        EVENTS_FILE: catalogFile,
        ...UNLIMITED_RATES,
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
      const marketplacesPerEvent = due.reduce((n, e) => n + e.marketplaceIds.length, 0) / Math.max(1, due.length);

      // Closed at the end, not among the cleanups: a call still retrying on a closed channel throws.
      const connection = await Connection.connect({ address: temporal.address });
      const client = new Client({ connection });
      const workerEnv = {
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: temporal.address,
        MOCK_MARKETPLACE: 'true',
        MARKETPLACES: MARKETPLACE_LIST.join(','),
        ...UNLIMITED_RATES,
        MARKETPLACE_CONCURRENCY: String(FETCH_CONCURRENCY),
        WORKER_SHUTDOWN_GRACE_SECONDS: '5',
        // The plain loop's pool has 20 connections (createThrowawayDatabase's poolMax above): the same for the worker.
        DATABASE_POOL_MAX: '20',
        ...(process.env.WORKER_MAX_CACHED_WORKFLOWS ? { WORKER_MAX_CACHED_WORKFLOWS: process.env.WORKER_MAX_CACHED_WORKFLOWS } : {}),
      };
      const taskQueue = 'bench-cycle';
      const sdkMetricsPort = await freePort();
      const worker = await startWorkerProcess(
        {
          ...workerEnv,
          TEMPORAL_TASK_QUEUE: taskQueue,
          MOCK_MARKETPLACE_PORT: mock.port,
          TEMPORAL_METRICS_PORT: String(sdkMetricsPort),
        },
        cleanups,
      );
      const floor = await startFloorWorker(temporal.address, 'bench-floor', cleanups);
      // Paced like the worker's requests (one statement each), so both sides do the same work.
      const logger = createLogger('error');
      const adapters = createMarketplaceAdapters(env, { mockUrl: mock.url, pacing: requestPacing(db, env, logger) });
      cleanups.push(() => adapters.close());
      const plain = plainCycle({ db, env, logger, adapters: adapterMap(adapters.adapters) });

      // Warm-up of each side: connection set-up and first-use costs are not measured.
      const warmupIds = due.slice(0, 20).map((e) => e.id);
      await client.workflow.execute(scrapeEvents, {
        taskQueue,
        workflowId: 'bench-warmup',
        args: [{ eventIds: warmupIds, fanout: CONCURRENCY }],
      });
      await floor.cycle(client, Math.min(100, events), 'warmup');
      await plain.run({
        cycleId: 'plain-warmup',
        cycle: 0,
        fanout: CONCURRENCY,
        errorAlertThreshold: ERROR_ALERT_THRESHOLD,
        eventIds: warmupIds,
      });

      const trees: ProcessTrees = {
        worker: worker.process.pid!,
        temporal_server: temporal.process.pid!,
        postgres: postgresPid,
        mock: mock.process.pid!,
      };
      const floorTrees: ProcessTrees = { worker: floor.process.pid!, temporal_server: temporal.process.pid!, postgres: null, mock: null };
      const plainTrees: ProcessTrees = { worker: null, temporal_server: null, postgres: postgresPid, mock: mock.process.pid! };
      const sdkUrl = `http://127.0.0.1:${sdkMetricsPort}/metrics`;
      const serverUrl = temporal.metricsUrl!;
      const usage: Record<'temporal' | 'floor' | 'plain', Reading> = { temporal: NO_USAGE, floor: NO_USAGE, plain: NO_USAGE };
      const seconds: Record<'temporal' | 'floor' | 'plain', number[]> = { temporal: [], floor: [], plain: [] };
      /** Runs one side's round between two readings (outside its timing), adding its usage to the side's. */
      const measured = async <R>(
        side: 'temporal' | 'floor' | 'plain',
        processes: ProcessTrees,
        endpoints: { sdk?: string; server?: string },
        round: () => Promise<R>,
      ): Promise<R> => {
        const before = await takeReading(processes, endpoints);
        const t = process.hrtime.bigint();
        const result = await round();
        seconds[side].push(Number(process.hrtime.bigint() - t) / 1e9);
        usage[side] = addUsage(usage[side], usageBetween(before, await takeReading(processes, endpoints)));
        return result;
      };

      const rssAfter: number[] = [];
      // The worker's own Node.js figures (prom-client default metrics on its /metrics): is a growth JS heap or native?
      const heapAfter: { used: number; total: number; external: number }[] = [];
      let listings = 0;
      for (let c = 0; c < cycles; c++) {
        await measured('floor', floorTrees, { server: serverUrl }, () => floor.cycle(client, events, String(c)));
        const result = await measured('temporal', trees, { sdk: sdkUrl, server: serverUrl }, () =>
          client.workflow.execute(scrapeEvents, { taskQueue, workflowId: `bench-cycle-${c}`, args: [{ fanout: CONCURRENCY }] }),
        );
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
        const plainRound = await measured('plain', plainTrees, {}, () =>
          plain.run({ cycleId: `plain-${c}`, cycle: c + 1, fanout: CONCURRENCY, errorAlertThreshold: ERROR_ALERT_THRESHOLD }),
        );
        if (plainRound.summary.eventsScraped !== events)
          throw new Error(`plain round ${c}: only ${plainRound.summary.eventsScraped}/${events} events stored`);
        if (process.env.BENCH_VERBOSE)
          process.stderr.write(
            `round ${c}: floor ${seconds.floor[c]!.toFixed(2)} s, cycle ${seconds.temporal[c]!.toFixed(2)} s, plain ${seconds.plain[c]!.toFixed(2)} s, rss ${rssAfter[c]!.toFixed(1)} MB, heap used ${heapAfter[c]!.used.toFixed(1)} / total ${heapAfter[c]!.total.toFixed(1)} MB, external ${heapAfter[c]!.external.toFixed(1)} MB, load ${os.loadavg()[0]!.toFixed(1)}\n`,
          );
      }
      const peak = rssOf(worker.process.pid!).peakMb;
      await stopChild(worker.process, 10_000);
      await stopChild(floor.process, 10_000);

      const n = events * cycles;
      // The second cycle's histories (the first still warms caches), shared over its events.
      const measuredCycle = Math.min(1, cycles - 1);
      const breakdown = await breakdownFigures({
        client,
        parentWorkflowId: `bench-cycle-${measuredCycle}`,
        temporal: { usage: usage.temporal, events: n },
        plain: { usage: usage.plain, events: n },
        floor: { usage: usage.floor, events: n },
        fanout: CONCURRENCY,
      });
      // Heartbeats that reach the server are Actions too, but in no history: counted from the worker's RPCs.
      const heartbeats = total(usage.temporal.sdk, 'temporal_request_latency_count', { operation: 'RecordActivityTaskHeartbeat' }) / n;
      const actions = actionFigures(await historyTree(client, { workflowId: `bench-cycle-${measuredCycle}` }), events, '', {
        record_activity_heartbeat: heartbeats,
      });
      const floorActions = actionFigures(await historyTree(client, { workflowId: `floor-cycle-${measuredCycle}` }), events, 'floor_');

      // History of one event with ~5,000 listings: a second mock with a deeper pool.
      const bigMock = await startMock(22_000, cleanups);
      await startWorkerProcess({ ...workerEnv, TEMPORAL_TASK_QUEUE: 'bench-history', MOCK_MARKETPLACE_PORT: bigMock.port }, cleanups);
      const target = due.find((e) => e.marketplaceIds.some((m) => m.marketplaceEventId === idOf(MARKETPLACE_LIST[0]!, 6)))!;
      const one = await client.workflow.execute(scrapeEvents, {
        taskQueue: 'bench-history',
        workflowId: 'bench-history',
        args: [{ eventIds: [target.id] }],
      });
      const childId = `scrape/${target.id}/${one.summary.startedAt}`;
      const history = await client.workflow.getHandle(childId).fetchHistory();
      await connection.close();

      // The median round: one alone is at the mercy of whatever else the machine does.
      const temporalCycle = median(seconds.temporal);
      const plainSeconds = median(seconds.plain);
      const floorSeconds = median(seconds.floor);
      // Memory growth from cycle 2: the first still fills caches and pools that then stay.
      const base = cycles >= 3 ? 1 : 0;
      const last = cycles - 1;
      const cpuAll = breakdown.cpu_ms_per_event_all!;
      const floorCpuAll = breakdown.floor_cpu_ms_per_event_all!;
      const plainCpuAll = breakdown.plain_cpu_ms_per_event_all!;
      return {
        events,
        cycles,
        marketplaces_per_event: round(marketplacesPerEvent, 2),
        listings_per_event: Math.round(listings / events),
        ms_per_event: round((temporalCycle * 1000) / events, 2),
        floor_ms_per_event: round((floorSeconds * 1000) / events, 2),
        plain_ms_per_event: round((plainSeconds * 1000) / events, 2),
        wall_over_floor_and_plain_ratio: round(temporalCycle / (floorSeconds + plainSeconds) - 1, 2),
        cpu_ms_per_event_all: cpuAll,
        floor_cpu_ms_per_event_all: floorCpuAll,
        plain_cpu_ms_per_event_all: plainCpuAll,
        // Above 0: the cycle costs more CPU than Temporal's own floor and the product's own work together.
        cpu_over_floor_and_plain_ratio: round(cpuAll / (floorCpuAll + plainCpuAll) - 1, 2),
        ...actions,
        server_persistence_requests_per_event: breakdown.server_persistence_requests_per_event!,
        temporal_cycle_s: round(temporalCycle, 2),
        temporal_cycle_s_first: round(seconds.temporal[0]!, 2),
        temporal_cycle_s_max: round(Math.max(...seconds.temporal), 2),
        plain_loop_s: round(plainSeconds, 2),
        floor_cycle_s: round(floorSeconds, 2),
        ratio_temporal_to_plain: round(temporalCycle / plainSeconds, 2),
        overhead_ms_per_event: round(((temporalCycle - plainSeconds) * 1000) / events, 2),
        history_listings: (one.events[0]?.result?.outcomes ?? []).reduce((n, o) => n + o.listingsStored, 0),
        history_bytes_5000: historyToJSON(history).length,
        worker_rss_peak_mb: round(peak, 1),
        rss_after_cycle_1_mb: round(rssAfter[0]!, 1),
        rss_after_cycle_2_mb: round(rssAfter[1]!, 1),
        [`rss_after_cycle_${cycles}_mb`]: round(rssAfter[last]!, 1),
        rss_growth_from_cycle: base + 1,
        [`rss_growth_mb_${cycles}_cycles`]: round(rssAfter[last]! - rssAfter[base]!, 1),
        [`heap_used_growth_mb_${cycles}_cycles`]: round(heapAfter[last]!.used - heapAfter[base]!.used, 1),
        [`heap_total_growth_mb_${cycles}_cycles`]: round(heapAfter[last]!.total - heapAfter[base]!.total, 1),
        [`external_growth_mb_${cycles}_cycles`]: round(heapAfter[last]!.external - heapAfter[base]!.external, 1),
        heap_total_after_cycle_2_mb: round(heapAfter[1]!.total, 1),
        fanout: CONCURRENCY,
        fetch_concurrency: FETCH_CONCURRENCY,
        temporal_persistence: process.env.BENCH_TEMPORAL_PERSIST === 'true' ? 'sqlite file' : 'in memory',
        load_average_1m: round(os.loadavg()[0]!, 1),
        ...floorActions,
        ...breakdown,
      };
    } finally {
      await cleanups.run();
      remove();
    }
  },
};
