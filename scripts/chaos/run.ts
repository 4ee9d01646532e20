/**
 * One chaos run: the stack as separate processes, cycles started one after another, faults
 * injected at seeded random points while a cycle runs, then the count (see count.ts).
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import pg from 'pg';
import { z } from 'zod';
import { migrate } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { freePort } from '../../src/embedded/ports';
import type { EmbeddedPostgresHandle } from '../../src/embedded/postgres';
import type { DevServerHandle } from '../../src/embedded/temporal-dev-server';
import { MARKETPLACE_NAMES, type MarketplaceName } from '../../src/domain/listing';
import { seededRandom } from '../../src/domain/random';
import type { MockRequestLogEntry } from '../../src/mock-marketplace';
import { fromRoot } from '../../src/config/paths';
import { scrapeEvents } from '../../src/workflows';
import { maxRateRatio, servedFor, tallyScrapes, type CycleRecord, type ScrapeTally, type StoredScrape } from './count';
import { productionBundleOptions } from '../../src/worker/bundle';
import { delayWithin, describeStep, drawPlan, type FaultStep } from './plan';
import { ProcessSet, type Started } from './processes';
import { startMock, startPostgres, startTemporal, startWorker, workerEnv, type StackPorts } from './stack';
import { describeDeployment, setCurrentBuild } from '../../src/client/deployment';
import { BUILD_N, CHAOS_DEPLOYMENT, runUpgradeDrill, until, type DrillResult } from './upgrade-drill';

export interface ChaosOptions {
  short: boolean;
  /** Cap on the fault phase, minutes (no new fault after it). */
  minutes: number;
  events: number;
  seed: number;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

export interface FaultRecord {
  step: string;
  at: string;
  /** Seconds from the component's return (database up, server up, worker polling) to the next stored scrape. */
  recovery_s: number | null;
}

export interface ChaosReport {
  seed: number;
  events: number;
  marketplaces: number;
  duration_s: number;
  faults_injected: number;
  faults: FaultRecord[];
  cycles: number;
  cycles_failed: number;
  scrapes_expected: number;
  scrapes_stored: number;
  scrapes_missing: number;
  scrapes_missing_faulted: number;
  scrapes_duplicated: number;
  listings_duplicated: number;
  listings_stored: number;
  listings_rejected: number;
  listings_served: number;
  max_rate_ratio: number;
  rate_window_ms: number;
  rates: Record<string, { maxInWindow: number; allowed: number; ratio: number }>;
  requests: number;
  recovery_s_max: number | null;
  worker_restarts_refused: number;
  processes_left: number;
  /** Upgrade drills run (upgrade-drill.ts): 1, or 0 when the run stopped before it. */
  upgrade_drills: number;
  nondeterminism_errors: number;
  /** Longest gap between the drill's cycles over the configured sleep's upper bound (null without a drill). */
  max_cycle_gap_ratio: number | null;
  upgrade: {
    drain_s: number;
    scrapes_on_old_build: number;
    scrapes_on_new_build: number;
    /** scrapeEvent runs whose history does not match their build's code (the new step on the old build, or missing on the new). */
    step_mismatches: number;
  } | null;
  examples: string[];
}

/** Requests per second per marketplace (different on purpose: each limit is checked on its own). */
export const CHAOS_RATES: Record<MarketplaceName, number> = { stubhub: 4, vividseats: 5, seatgeek: 5, ticketmaster: 4 };
const TASK_QUEUE = 'chaos';
const HTTP_TIMEOUT_MS = 3000;
/** Temporal's task-queue rate limit is per second: the window the rate is checked over. */
const RATE_WINDOW_MS = 1000;

const requestLine = z.object({
  at: z.number(),
  marketplace: z.enum(MARKETPLACE_NAMES),
  eventId: z.string(),
  status: z.number().int(),
  items: z.number().int(),
  fault: z.string().nullable(),
});

/** A catalog of `n` events, each with an id on all four marketplaces (the samples' CSV layout). */
export function chaosCatalog(n: number): string {
  const header =
    'Event Name,Venue,City,State,Country,Event Date (Local),Time Zone,viagogoID,Vivid Seats ID,SeatGeek ID,Ticketmaster ID,is_tracked';
  const rows = Array.from({ length: n }, (_, i) => {
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((Math.floor(i / 28) % 12) + 1).padStart(2, '0');
    return `Chaos Event ${i + 1},Chaos Arena,New York,NY,US,2027-${month}-${day} 19:30,America/New_York,${170000000 + i},${6100000 + i},${8100000 + i},CH${String(i).padStart(6, '0')}Z,TRUE`;
  });
  return [header, ...rows].join('\n') + '\n';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ChaosRun {
  readonly procs = new ProcessSet();
  readonly dir: string;
  private ports!: StackPorts;
  private temporal?: DevServerHandle;
  private postgres?: EmbeddedPostgresHandle;
  private mock?: Started;
  /** Workers 1 and 2 run build N; 3 and 4 are the upgrade drill's build N+1. */
  private readonly workers: (Started | undefined)[] = [undefined, undefined, undefined, undefined];
  private drill: DrillResult | null = null;
  private env!: NodeJS.ProcessEnv;
  private databaseUrl = '';
  private stopRequested = false;
  private readonly cycles: CycleRecord[] = [];
  private current: CycleRecord | null = null;
  private pendingFaulted = new Set<MarketplaceName>();
  private cyclesFailed = 0;
  private workerRestartsRefused = 0;
  private readonly faults: FaultRecord[] = [];

  constructor(private readonly opts: ChaosOptions) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'tt-chaos-'));
    // PostgreSQL runs as the `postgres` account when we are root: it must be able to enter.
    chmodSync(this.dir, 0o755);
  }

  /** Asks the run to stop early (Ctrl-C): no new cycle or fault starts. */
  requestStop(): void {
    this.stopRequested = true;
  }

  async run(): Promise<ChaosReport> {
    const started = Date.now();
    const { log } = this.opts;
    this.ports = { temporal: await freePort(), temporalUi: await freePort(), postgres: await freePort(), mock: await freePort() };
    log(`chaos: folder ${this.dir}, seed ${this.opts.seed}, ${this.opts.events} events x ${MARKETPLACE_NAMES.length} marketplaces`);
    this.temporal = await startTemporal(this.procs, this.dir, this.ports);
    this.postgres = await startPostgres(this.procs, this.dir, this.ports);
    this.databaseUrl = this.postgres.url;
    const db = createPool(this.databaseUrl, 2);
    db.on('error', () => undefined);
    await migrate(db);
    await db.end();
    const catalogFile = path.join(this.dir, 'events.csv');
    writeFileSync(catalogFile, chaosCatalog(this.opts.events));
    await this.syncCatalog(catalogFile);

    const { code } = await bundleWorkflowCode({
      workflowsPath: fromRoot('src', 'workflows', 'index.ts'),
      logger: new DefaultLogger('WARN'),
      // As production workers load it (npm run build).
      ...productionBundleOptions(),
    });
    const bundlePath = path.join(this.dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, code);

    const requestLog = path.join(this.dir, 'requests.jsonl');
    this.mock = await startMock(this.procs, this.dir, this.ports, requestLog);
    this.env = workerEnv({
      databaseUrl: this.databaseUrl,
      temporalAddress: this.temporal.address,
      mockPort: this.ports.mock,
      taskQueue: TASK_QUEUE,
      bundlePath,
      rates: CHAOS_RATES,
      httpTimeoutMs: HTTP_TIMEOUT_MS,
      deployment: { name: CHAOS_DEPLOYMENT, buildId: BUILD_N },
      eventsFile: catalogFile,
    });
    await Promise.all([this.restartWorker(0), this.restartWorker(1)]);
    const connection = await Connection.connect({ address: this.temporal.address });
    const client = new Client({ connection, namespace: 'default' });
    // Versioned workers take no workflow until their build is the deployment's Current Version.
    await until(
      'build N registered',
      120_000,
      () => this.stopRequested,
      async () =>
        (await describeDeployment(client, 'default', CHAOS_DEPLOYMENT))?.versions.some((v) => v.buildId === BUILD_N) ? true : undefined,
    );
    await setCurrentBuild(client, 'default', CHAOS_DEPLOYMENT, BUILD_N, 'chaos');
    log(`chaos: stack up (Temporal, PostgreSQL, mock marketplace, 2 workers of build ${BUILD_N})`);

    const plan = drawPlan({
      seed: this.opts.seed,
      each: this.opts.short
        ? { killOne: 1, killBoth: 0, postgres: 1, temporal: 1, marketplace: 1 }
        : { killOne: 5, killBoth: 3, postgres: 3, temporal: 3, marketplace: 8 },
      postgresOutageSeconds: this.opts.short ? 15 : 60,
      httpTimeoutMs: HTTP_TIMEOUT_MS,
    });
    const faultDeadline = started + this.opts.minutes * 60_000;
    let faultsDone = false;
    const faultLoop = this.injectFaults(plan, faultDeadline).finally(() => (faultsDone = true));
    // Cycles run one after another until the faults are done, then one clean cycle more.
    let n = 0;
    let cleanAfter = 0;
    while (!this.stopRequested && cleanAfter < 1) {
      if (faultsDone) cleanAfter++;
      n++;
      await this.runCycle(client, n);
    }
    await faultLoop;
    if (!this.stopRequested) {
      this.drill = await runUpgradeDrill({
        procs: this.procs,
        dir: this.dir,
        client,
        temporalAddress: this.temporal.address,
        databaseUrl: this.databaseUrl,
        taskQueue: TASK_QUEUE,
        workerEnv: this.env,
        startWorker: async (i, env) => (this.workers[i] = await startWorker(this.procs, this.dir, i, env)),
        stopOldWorkers: async () => {
          await Promise.all([0, 1].map((i) => (this.workers[i] ? this.procs.terminate(this.workers[i]) : undefined)));
          this.workers[0] = this.workers[1] = undefined;
        },
        stopRequested: () => this.stopRequested,
        log,
      });
      this.cycles.push(...this.drill.cycles);
    }
    await connection.close();

    const report = await this.count(started, requestLog);
    return report;
  }

  private async syncCatalog(file: string): Promise<void> {
    const sync = this.procs.spawn(
      'events sync',
      process.execPath,
      [fromRoot('bin', 'ticket-tracker.js'), 'events', 'sync', '--file', file],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: this.databaseUrl, LOG_LEVEL: 'warn' },
        logFile: path.join(this.dir, 'sync.log'),
        cwd: this.dir,
      },
    );
    await sync.exited;
    if (sync.child.exitCode !== 0)
      throw new Error(`events sync failed (${sync.child.exitCode}): ${readFileSync(path.join(this.dir, 'sync.log'), 'utf8').slice(-2000)}`);
  }

  /** Starts worker `i`; a start refused (e.g. the database is down for migrations) is retried. */
  private async restartWorker(i: 0 | 1): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.workers[i] = await startWorker(this.procs, this.dir, i, this.env);
        return;
      } catch (err) {
        this.workerRestartsRefused++;
        if (attempt >= 20 || this.stopRequested) throw err;
        this.opts.log(`chaos: worker ${i + 1} did not start (attempt ${attempt}): ${(err as Error).message.split('\n')[0]}; again in 3 s`);
        await sleep(3000);
      }
    }
  }

  private async runCycle(client: Client, n: number): Promise<void> {
    const workflowId = `chaos-cycle-${n}`;
    const record: CycleRecord = { workflowId, expected: [], faulted: [...this.pendingFaulted], completed: false };
    this.pendingFaulted.clear();
    this.cycles.push(record);
    this.current = record;
    const t0 = Date.now();
    try {
      // A start whose answer was lost (server restart) may have happened: then take its handle.
      const handle = await retryTransient(() =>
        client.workflow.start(scrapeEvents, { taskQueue: TASK_QUEUE, workflowId, args: [{ fanout: 10 }] }).catch((err: unknown) => {
          if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle<typeof scrapeEvents>(workflowId);
          throw err;
        }),
      );
      const result = await retryTransient(() => handle.result());
      record.expected = result.events.flatMap(({ event }) =>
        event.marketplaceIds.map((s) => ({ eventId: event.id, marketplace: s.marketplace })),
      );
      record.completed = true;
      const s = result.summary;
      this.opts.log(
        `chaos: ${workflowId} done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${s.marketplacesOk} ok, ${s.marketplacesFailed} failed, ${s.listingsStored} listings`,
      );
    } catch (err) {
      this.cyclesFailed++;
      this.opts.log(`chaos: ${workflowId} failed: ${(err as Error).message}`);
    } finally {
      this.current = null;
    }
  }

  private async injectFaults(plan: FaultStep[], deadline: number): Promise<void> {
    const random = seededRandom(this.opts.seed ^ 0x5eed);
    for (const step of plan) {
      if (this.stopRequested || Date.now() > deadline) break;
      // Mid-cycle: wait for a cycle to be running, then a random 1 to 6 s into it.
      while (!this.current && !this.stopRequested) await sleep(100);
      await sleep(delayWithin(random, 1000, 6000));
      if (this.stopRequested) break;
      const at = new Date().toISOString();
      this.opts.log(`chaos: fault ${this.faults.length + 1}/${plan.length}: ${describeStep(step)}`);
      const recovery = await this.apply(step, random);
      this.faults.push({ step: describeStep(step), at, recovery_s: recovery });
      if (recovery !== null) this.opts.log(`chaos:   recovered in ${recovery.toFixed(1)} s`);
    }
  }

  /** Applies one fault; returns the recovery time for outages and restarts (null for the others). */
  private async apply(step: FaultStep, random: () => number): Promise<number | null> {
    switch (step.kind) {
      case 'kill-one-worker': {
        const w = this.workers[step.worker];
        if (w) await this.procs.kill(w);
        await sleep(delayWithin(random, 500, 3000));
        await this.restartWorker(step.worker);
        return this.recovery(Date.now());
      }
      case 'kill-both-workers': {
        await Promise.all(this.workers.map((w) => (w ? this.procs.kill(w) : undefined)));
        await sleep(delayWithin(random, 500, 3000));
        await Promise.all([this.restartWorker(0), this.restartWorker(1)]);
        return this.recovery(Date.now());
      }
      case 'postgres-outage': {
        await this.postgres?.stop();
        await sleep(step.seconds * 1000);
        this.postgres = await startPostgres(this.procs, this.dir, this.ports);
        return this.recovery(Date.now());
      }
      case 'temporal-restart': {
        if (this.temporal) await this.procs.kill({ child: this.temporal.process });
        this.temporal = await startTemporal(this.procs, this.dir, this.ports);
        return this.recovery(Date.now());
      }
      case 'marketplace': {
        // A fault lasts until its `times` requests are used up, which may be in the next cycle:
        // the marketplace counts as faulted (not healthy) in this cycle and the next.
        if (this.current) this.current.faulted.push(step.marketplace);
        this.pendingFaulted.add(step.marketplace);
        const res = await fetch(`http://127.0.0.1:${this.ports.mock}/__mock/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ marketplace: step.marketplace, fault: step.fault, times: step.times }),
        });
        if (res.status !== 201) throw new Error(`the mock refused a fault: ${res.status} ${await res.text()}`);
        return null;
      }
    }
  }

  /** Seconds from `since` until a scrape is stored again (a cycle must be running; 300 s at most). */
  private async recovery(since: number): Promise<number | null> {
    const deadline = since + 300_000;
    while (Date.now() < deadline && !this.stopRequested) {
      const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 2000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const r = await client.query<{ n: string }>('SELECT count(*) AS n FROM scrapes WHERE persisted_at >= $1', [new Date(since)]);
        if (Number(r.rows[0]?.n ?? 0) > 0) return (Date.now() - since) / 1000;
      } catch {
        /* the database may still be starting */
      } finally {
        await client.end().catch(() => undefined);
      }
      // Between cycles nothing is stored: the wait only counts while a cycle runs.
      if (!this.current) since += 250;
      await sleep(250);
    }
    return null;
  }

  private async count(started: number, requestLog: string): Promise<ChaosReport> {
    const requests: MockRequestLogEntry[] = existsSync(requestLog)
      ? readFileSync(requestLog, 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l, i) => {
            const p = requestLine.safeParse(JSON.parse(l));
            if (!p.success)
              throw new Error(`request log line ${i + 1}: ${p.error.issues.map((x) => x.path.join('.') + ': ' + x.message).join('; ')}`);
            return p.data as MockRequestLogEntry;
          })
      : [];
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    let stored: StoredScrape[];
    try {
      const rows = await client.query<{
        scrape_key: string;
        event_id: string;
        marketplace: MarketplaceName;
        listings_stored: number;
        listings_rejected: number;
        kind: string;
        captured_at: Date;
        marketplace_event_id: string | null;
        listing_rows: string;
        distinct_ids: string;
      }>(
        `SELECT s.scrape_key, s.event_id, s.marketplace, s.listings_stored, s.listings_rejected, s.kind, s.captured_at, es.marketplace_event_id,
                coalesce(l.n, 0) AS listing_rows, coalesce(l.d, 0) AS distinct_ids
           FROM scrapes s
           LEFT JOIN event_sources es ON es.event_id = s.event_id AND es.marketplace = s.marketplace
           LEFT JOIN (SELECT scrape_ref, count(*) AS n, count(DISTINCT listing_id) AS d FROM listings GROUP BY scrape_ref) l ON l.scrape_ref = s.id
          WHERE s.scrape_key LIKE 'chaos-cycle-%' OR s.scrape_key LIKE 'tracker/%'`,
      );
      stored = rows.rows.map((r) => ({
        scrapeKey: r.scrape_key,
        eventId: Number(r.event_id),
        marketplace: r.marketplace,
        listingsStored: r.listings_stored,
        listingsRejected: r.listings_rejected,
        listingRows: Number(r.listing_rows),
        distinctListingIds: Number(r.distinct_ids),
        served:
          r.kind === 'listings' && r.marketplace_event_id
            ? servedFor(requests, r.marketplace, r.marketplace_event_id, r.captured_at.getTime())
            : null,
      }));
    } finally {
      await client.end();
    }
    const tally: ScrapeTally = tallyScrapes(this.cycles, stored);
    const rates = maxRateRatio(requests, CHAOS_RATES, RATE_WINDOW_MS);
    const processesLeft = await this.stopAll();
    const recoveries = this.faults.map((f) => f.recovery_s).filter((r): r is number => r !== null);
    return {
      seed: this.opts.seed,
      events: this.opts.events,
      marketplaces: MARKETPLACE_NAMES.length,
      duration_s: Math.round((Date.now() - started) / 1000),
      faults_injected: this.faults.length,
      faults: this.faults,
      cycles: tally.cycles,
      cycles_failed: this.cyclesFailed,
      scrapes_expected: tally.scrapesExpected,
      scrapes_stored: tally.scrapesStored,
      scrapes_missing: tally.scrapesMissing,
      scrapes_missing_faulted: tally.scrapesMissingFaulted,
      scrapes_duplicated: tally.scrapesDuplicated,
      listings_duplicated: tally.listingsDuplicated,
      listings_stored: tally.listingsStored,
      listings_rejected: tally.listingsRejected,
      listings_served: tally.listingsServed,
      max_rate_ratio: rates.overall,
      rate_window_ms: RATE_WINDOW_MS,
      rates: rates.byMarketplace,
      requests: requests.length,
      recovery_s_max: recoveries.length ? Math.round(Math.max(...recoveries) * 10) / 10 : null,
      worker_restarts_refused: this.workerRestartsRefused,
      processes_left: processesLeft,
      upgrade_drills: this.drill ? 1 : 0,
      nondeterminism_errors: (this.drill?.nondeterminismErrors ?? 0) + nondeterminismInLogs(this.dir),
      max_cycle_gap_ratio: this.drill?.maxCycleGapRatio ?? null,
      upgrade: this.drill
        ? {
            drain_s: this.drill.drainSeconds,
            scrapes_on_old_build: this.drill.scrapesOnOld,
            scrapes_on_new_build: this.drill.scrapesOnNew,
            step_mismatches: this.drill.stepMismatches,
          }
        : null,
      examples: tally.examples,
    };
  }

  /**
   * Stops everything: workers and the mock first, PostgreSQL with a fast shutdown, then SIGKILL
   * to every process group the run made. Returns the processes still alive afterwards: groups
   * left, plus any process whose command line names the run's folder.
   */
  async stopAll(): Promise<number> {
    for (const w of this.workers) if (w) await this.procs.kill(w);
    if (this.mock) await this.procs.kill(this.mock);
    await this.postgres?.stop().catch(() => undefined);
    const groupsLeft = await this.procs.killAll();
    return groupsLeft + processesNaming(this.dir);
  }

  /** Removes the run's folder (its logs are kept when `keep`). */
  cleanup(keep: boolean): void {
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Lines of the workers' logs that report a non-determinism error (Temporal's TMPRL1100). */
export function nondeterminismInLogs(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir).filter((name) => /^worker-\d+\.log$/.test(name)))
    n += readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .filter((line) => /TMPRL1100|nondeterminism/i.test(line)).length;
  return n;
}

/** Processes whose command line contains `needle` (from /proc; 0 where /proc is absent). */
export function processesNaming(needle: string): number {
  if (!existsSync('/proc')) return 0;
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) n++;
    } catch {
      /* gone */
    }
  }
  return n;
}

/**
 * Calls `fn` again while it fails for a reason other than the workflow's own failure: the server
 * is being restarted, the connection dropped. 10 minutes at most.
 */
async function retryTransient<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof WorkflowFailedError || Date.now() > deadline) throw err;
      await sleep(1000);
    }
  }
}
