/**
 * The chaos suite's upgrade drill (docs/upgrades.md): the tracker loop runs cycles on build N with
 * two workers; build N+1, whose per-event workflow has one more step (a durable timer after the
 * marketplaces, so a history of one build cannot replay on the other), is deployed on two more
 * workers and promoted while a cycle's scrapes are in flight; N drains and its workers stop. The
 * drill counts non-determinism errors, the scrapes of each cycle, the longest gap between cycles
 * against the configured sleep's upper bound, and which build ran each scrape.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import pg from 'pg';
import { buildOfRun, describeDeployment } from '../../src/client/deployment';
import { TrackerClient } from '../../src/client/tracker-client';
import { fromRoot } from '../../src/config/paths';
import type { MarketplaceName } from '../../src/domain/listing';
import type { TrackerSettings } from '../../src/domain/tracker';
import { DEFAULT_TRACKER_WORKFLOW_ID } from '../../src/workflows/definitions';
import { productionBundleOptions } from '../../src/worker/bundle';
import type { CycleRecord } from './count';
import type { ProcessSet, Started } from './processes';

/** The deployment the chaos workers belong to, and its two builds. */
export const CHAOS_DEPLOYMENT = 'chaos';
export const BUILD_N = 'chaos-n';
export const BUILD_NEXT = 'chaos-n1';

/** The step build N+1 adds to scrapeEvent, right before it returns: a durable 1 s timer. */
const NEXT_STEP_ANCHOR = '  return { eventId: event.id, outcomes };';
const NEXT_STEP = "  await sleep('1 second'); // upgrade drill: build N+1's extra step\n";

/**
 * Sleeps between the drill's cycles: about 20 s, normal, 10 to 30 s. A gap between cycles is the
 * drawn sleep plus the cycle's closing steps and a continue-as-new, so the bound is judged on
 * draws that rarely reach it (the default strategy: 99.7 % inside), not on a clamp hit by design.
 */
export const DRILL_SETTINGS: TrackerSettings = {
  intervalHours: 20 / 3600,
  randomization: 'normal',
  minFactor: 0.5,
  maxFactor: 1.5,
  fanout: 10,
  errorAlertThreshold: 1000,
};

export interface DrillContext {
  procs: ProcessSet;
  dir: string;
  client: Client;
  temporalAddress: string;
  databaseUrl: string;
  taskQueue: string;
  /** Worker environment of build N; the drill's N+1 workers get the same with their bundle and build id. */
  workerEnv: NodeJS.ProcessEnv;
  startWorker(index: number, env: NodeJS.ProcessEnv): Promise<Started>;
  /** Stops (SIGTERM, drained) the two workers of build N. */
  stopOldWorkers(): Promise<void>;
  stopRequested(): boolean;
  log(line: string): void;
}

export interface DrillResult {
  /** Cycles of the tracker loop during the drill, for the suite's scrape count. */
  cycles: CycleRecord[];
  nondeterminismErrors: number;
  /** Longest gap between one cycle's end and the next one's start, over the sleep's upper bound. */
  maxCycleGapRatio: number;
  /** Seconds from the promotion to no workflow left running on build N. */
  drainSeconds: number;
  /** scrapeEvent runs on each build, and those whose history does not match their build's code. */
  scrapesOnOld: number;
  scrapesOnNew: number;
  stepMismatches: number;
  newWorkers: Started[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 200 ms until it answers, or throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, stop: () => boolean, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (stop()) throw new Error(`stopped while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`chaos: ${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/**
 * Bundles build N+1: a copy of src/ whose scrapeEvent has the extra step, bundled as production
 * workers load it (packages resolve from the project's node_modules). Returns the bundle's path.
 */
export async function bundleNextBuild(dir: string): Promise<string> {
  const src = path.join(dir, 'next-src');
  cpSync(fromRoot('src'), src, { recursive: true });
  const file = path.join(src, 'workflows', 'scrape-event.ts');
  const code = readFileSync(file, 'utf8');
  if (!code.includes(NEXT_STEP_ANCHOR)) throw new Error(`upgrade drill: scrapeEvent no longer ends with "${NEXT_STEP_ANCHOR.trim()}"`);
  writeFileSync(file, `import { sleep } from '@temporalio/workflow';\n${code.replace(NEXT_STEP_ANCHOR, NEXT_STEP + NEXT_STEP_ANCHOR)}`);
  const production = productionBundleOptions().webpackConfigHook!;
  const { code: bundle } = await bundleWorkflowCode({
    workflowsPath: path.join(src, 'workflows', 'index.ts'),
    logger: new DefaultLogger('WARN'),
    webpackConfigHook: (config) =>
      production({ ...config, resolve: { ...config.resolve, modules: ['node_modules', fromRoot('node_modules')] } }),
  });
  const out = path.join(dir, 'workflow-bundle-next.js');
  writeFileSync(out, bundle);
  return out;
}

interface CycleRow {
  cycle_id: string;
  started_at: Date;
  finished_at: Date | null;
}

async function trackerCycles(db: pg.Client): Promise<CycleRow[]> {
  const r = await db.query<CycleRow>(`SELECT cycle_id, started_at, finished_at FROM cycles WHERE cycle_id LIKE $1 ORDER BY started_at`, [
    `${DEFAULT_TRACKER_WORKFLOW_ID}/%`,
  ]);
  return r.rows;
}

/** Running workflows pinned to `buildId` of the chaos deployment. */
async function runningOn(client: Client, buildId: string): Promise<number> {
  const r = await client.workflow.count(
    `ExecutionStatus = "Running" AND TemporalWorkerDeploymentVersion = "${CHAOS_DEPLOYMENT}:${buildId}"`,
  );
  return r.count;
}

const NON_DETERMINISTIC = temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR;

export async function runUpgradeDrill(ctx: DrillContext): Promise<DrillResult> {
  const { client, log } = ctx;
  const db = new pg.Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  const tracker = await TrackerClient.connect(ctx.temporalAddress, 'default');
  const drillStart = new Date();
  const newWorkers: Started[] = [];
  try {
    const nextBundle = await bundleNextBuild(ctx.dir);
    const { started } = await tracker.startTracker(ctx.taskQueue, DRILL_SETTINGS);
    if (!started) throw new Error('upgrade drill: a tracker loop already runs');
    log(`chaos: upgrade drill: tracker loop started on ${BUILD_N} (sleeps about 20 s, 10 to 30 s)`);
    await until('cycle 1 of the tracker', 300_000, ctx.stopRequested, async () =>
      (await trackerCycles(db)).some((c) => c.finished_at) ? true : undefined,
    );

    // Build N+1 is deployed beside N (idle until promoted), as a rainbow deployment does.
    const nextEnv = { ...ctx.workerEnv, WORKER_BUNDLE_PATH: nextBundle, WORKER_BUILD_ID: BUILD_NEXT };
    newWorkers.push(...(await Promise.all([ctx.startWorker(2, nextEnv), ctx.startWorker(3, nextEnv)])));
    await until(`${BUILD_NEXT} registered`, 60_000, ctx.stopRequested, async () =>
      (await describeDeployment(client, 'default', CHAOS_DEPLOYMENT))?.versions.some((v) => v.buildId === BUILD_NEXT) ? true : undefined,
    );
    // Promoted while a cycle's scrapes are in flight: some stored, the cycle not finished.
    const inFlight = await until('a cycle with scrapes in flight', 300_000, ctx.stopRequested, async () => {
      const open = (await trackerCycles(db)).find((c) => !c.finished_at);
      if (!open) return undefined;
      const r = await db.query<{ n: string }>('SELECT count(*) AS n FROM scrapes WHERE scrape_key LIKE $1', [`${open.cycle_id}/%`]);
      return Number(r.rows[0]?.n ?? 0) >= 2 ? open.cycle_id : undefined;
    });
    const promotedAt = Date.now();
    await tracker.promote(CHAOS_DEPLOYMENT, BUILD_NEXT, ctx.taskQueue);
    log(`chaos: upgrade drill: ${BUILD_NEXT} promoted while ${inFlight} had scrapes in flight`);
    await until(`${BUILD_N} drained`, 600_000, ctx.stopRequested, async () =>
      (await runningOn(client, BUILD_N)) === 0 ? true : undefined,
    );
    const drainSeconds = (Date.now() - promotedAt) / 1000;
    log(`chaos: upgrade drill: ${BUILD_N} drained ${drainSeconds.toFixed(1)} s after the promotion; stopping its workers`);
    await ctx.stopOldWorkers();

    // Two whole cycles on N+1 after the one in flight.
    await until('two cycles on the new build', 600_000, ctx.stopRequested, async () =>
      (await trackerCycles(db)).filter((c) => c.finished_at && c.started_at.getTime() > promotedAt).length >= 2 ? true : undefined,
    );
    await tracker.stop();

    const cycles = (await trackerCycles(db)).filter((c) => c.finished_at);
    const pairs = await db.query<{ event_id: string; marketplace: MarketplaceName }>(
      `SELECT es.event_id, es.marketplace FROM event_sources es JOIN events e ON e.id = es.event_id WHERE e.tracked ORDER BY 1, 2`,
    );
    const expected = pairs.rows.map((r) => ({ eventId: Number(r.event_id), marketplace: r.marketplace }));
    const records: CycleRecord[] = cycles.map((c) => ({
      workflowId: DEFAULT_TRACKER_WORKFLOW_ID,
      startedAt: c.cycle_id.slice(DEFAULT_TRACKER_WORKFLOW_ID.length + 1),
      expected,
      faulted: [],
      completed: true,
    }));
    const upperBoundMs = DRILL_SETTINGS.intervalHours * DRILL_SETTINGS.maxFactor * 3_600_000;
    let maxGap = 0;
    for (let i = 1; i < cycles.length; i++)
      maxGap = Math.max(maxGap, cycles[i]!.started_at.getTime() - cycles[i - 1]!.finished_at!.getTime());

    // Every workflow the drill ran: non-determinism in any history, and each scrape's build against its steps.
    let nondeterminismErrors = 0;
    let scrapesOnOld = 0;
    let scrapesOnNew = 0;
    let stepMismatches = 0;
    for await (const wf of client.workflow.list({ query: `StartTime >= "${drillStart.toISOString()}"` })) {
      const handle = client.workflow.getHandle(wf.workflowId, wf.runId);
      const events = (await handle.fetchHistory()).events ?? [];
      nondeterminismErrors += events.filter(
        (e) =>
          e.workflowTaskFailedEventAttributes &&
          (e.workflowTaskFailedEventAttributes.cause === NON_DETERMINISTIC ||
            /TMPRL1100|nondeterminism/i.test(e.workflowTaskFailedEventAttributes.failure?.message ?? '')),
      ).length;
      if (wf.type !== 'scrapeEvent') continue;
      const build = buildOfRun(await handle.describe())?.buildId;
      const hasStep = events.some((e) => e.timerStartedEventAttributes);
      if (build === BUILD_N) scrapesOnOld++;
      else if (build === BUILD_NEXT) scrapesOnNew++;
      if ((build === BUILD_NEXT) !== hasStep) stepMismatches++;
    }
    return {
      cycles: records,
      nondeterminismErrors,
      maxCycleGapRatio: Math.round((maxGap / upperBoundMs) * 1000) / 1000,
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      scrapesOnOld,
      scrapesOnNew,
      stepMismatches,
      newWorkers,
    };
  } finally {
    await tracker.close().catch(() => undefined);
    await db.end().catch(() => undefined);
  }
}
