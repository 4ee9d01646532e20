import type { Command } from 'commander';
import type { MarketplaceOutcome, TrackerSettingsPatch, TrackerStatus } from '../../domain/tracker';
import { settingsOptions, trackerSettingsFrom } from '../tracker-settings';
import { ReconfigureRejectedError, TRACKER_SIGNALS, TrackerNotRunningError } from '../../client/tracker-client';
import { judgePollers, NoWorkerOfBuildError, UnknownBuildIdError, type DeploymentState, type PollerVerdict } from '../../client/deployment';
import { EVENT_FORMS_HELP, EventRefError, resolveEventRef } from '../../catalog/event-ref';
import { DEFAULT_TRACKER_WORKFLOW_ID } from '../../workflows/definitions';
import type { CliContext } from '../context';
import { printObject, printRows, UsageError } from '../output';
import { createProgress, type Progress } from '../progress';
import { listScrapableEvents } from '../../db/event-status';
import type { Db } from '../../db/pool';
import { findCycleOf, progressLine, readCycleProgress } from '../../top/snapshot';
import { parseOptions } from '../parse';
import { writeOut } from '../io';
import { addCyclesCommand } from './cycles';

function withSettingsFlags(cmd: Command): Command {
  return cmd
    .option('--interval-hours <h>', 'base interval between cycles (default SCRAPE_INTERVAL_HOURS)')
    .option('--randomization <strategy>', `uniform | poisson | normal (default RANDOMIZATION_STRATEGY)`)
    .option('--min-factor <f>', 'lower clamp of a sleep, as a factor of the interval')
    .option('--max-factor <f>', 'upper clamp of a sleep, as a factor of the interval')
    .option('--fanout <n>', 'scrape child workflows in flight at once');
}

/** The tracker's own status (null while it is not running), the deployment and its workers. */
type StatusShown = {
  tracker: TrackerStatus | null;
  /** Why `tracker` is null: not running, or not answering. */
  trackerProblem: string | null;
  /** The build the loop's current run is on (null: unversioned; undefined: no loop runs). */
  trackerBuild: { deploymentName: string; buildId: string } | null | undefined;
  deployment: DeploymentState | null;
  workers: PollerVerdict[];
  cliNode: string;
};

/** `ticket-tracker: current b2, versions b1 (draining), b2 (current)`, or why there is none. */
function deploymentLine(name: string, d: DeploymentState | null): string {
  if (!d) return `${name}: none (workers run unversioned: WORKER_BUILD_ID is unset)`;
  const ramping = d.ramping ? `, ramping ${d.ramping.buildId} at ${d.ramping.percent} %` : '';
  return `${name}: current ${d.current ?? 'unversioned workers'}${ramping}; versions ${d.versions.map((v) => `${v.buildId} (${v.status})`).join(', ') || 'none'}`;
}

function printStatus(shown: StatusShown, deploymentName: string, json: boolean | undefined): void {
  const phase = shown.tracker ? shown.tracker.phase : shown.trackerBuild === undefined ? 'not running' : 'not answering';
  const build =
    shown.trackerBuild === undefined
      ? null
      : shown.trackerBuild
        ? `${shown.trackerBuild.buildId} of ${shown.trackerBuild.deploymentName}`
        : 'unversioned';
  if (json)
    return printObject(
      {
        ...(shown.tracker ?? { phase }),
        ...(shown.trackerProblem ? { problem: shown.trackerProblem } : {}),
        trackerBuild: shown.trackerBuild ?? null,
        deployment: shown.deployment,
        workers: shown.workers,
        cliNode: shown.cliNode,
      },
      { json },
    );
  const status = shown.tracker;
  const s = status?.settings;
  const last = status?.lastCycle;
  printObject(
    {
      phase,
      ...(build ? { 'tracker build': build } : {}),
      ...(status && s
        ? {
            cycle: status.cycle,
            'next wake-up': status.nextWakeAt ?? '-',
            interval: `${s.intervalHours} h, ${s.randomization}, factors ${s.minFactor}..${s.maxFactor}, fan-out ${s.fanout}`,
            'last cycle': last
              ? `${last.startedAt} → ${last.finishedAt}: ${last.eventsScraped}/${last.eventsDue} events, ${last.marketplacesFailed} marketplace failures${last.marketplacesDrifted ? ` (${last.marketplacesDrifted} format drift)` : ''}${last.marketplacesEmpty ? `, ${last.marketplacesEmpty} empty` : ''}, ${last.listingsStored} listings${last.catalogError ? `; catalog: ${last.catalogError}` : ''}`
              : '-',
          }
        : {}),
      deployment: deploymentLine(deploymentName, shown.deployment),
      workers:
        shown.workers.length > 0
          ? shown.workers
              .map(
                (w) => `${w.poller.identity} [${w.verdict}: ${w.reason}${w.poller.lastPollAt ? `; last poll ${w.poller.lastPollAt}` : ''}]`,
              )
              .join('; ')
          : 'none polling',
      'this CLI': `node ${shown.cliNode}`,
    },
    {},
  );
}

/**
 * Runs `work` (a one-off scrape's result) while a progress line shows the cycle's progress from
 * its database rows, every second: "scrape: 12 of 40 events done · stubhub 10 ok 1 failed".
 */
async function withScrapeProgress<T>(
  db: Db,
  workflowId: string,
  ids: number[],
  graceHours: number,
  progress: Progress,
  work: () => Promise<T>,
): Promise<T> {
  const due = ids.length > 0 ? ids.length : (await listScrapableEvents(db, new Date(), graceHours)).length;
  let busy = false;
  const tick = async (): Promise<void> => {
    const cycle = await findCycleOf(db, workflowId);
    progress.update(`scrape: ${cycle ? progressLine(await readCycleProgress(db, cycle, due)) : `starting, ${due} events`}`);
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    // A failed progress read only skips a line; the scrape goes on.
    tick()
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 1000);
  try {
    const result = await work();
    await tick().catch(() => undefined);
    return result;
  } finally {
    clearInterval(timer);
    progress.done();
  }
}

/** `tracker ...` and `schedules ...`: driving the long-running workflows. */
/** One line of a one-off scrape's report: a marketplace's outcome, or '-' when the event's workflow failed. */
type ShownOutcome = Omit<MarketplaceOutcome, 'marketplace'> & { marketplace: string };

export function registerTrackerCommands(program: Command, ctx: CliContext): void {
  const tracker = program.command('tracker').description('the long-running scrape loop (workflow id "tracker")');

  withSettingsFlags(tracker.command('start').description('start the tracker loop'))
    .option('--json', 'print JSON')
    .action(async (opts: Record<string, unknown>) => {
      const env = ctx.getEnv();
      const settings = trackerSettingsFrom(env, parseOptions(settingsOptions, opts));
      const { started } = await (await ctx.getTemporal()).startTracker(env.TEMPORAL_TASK_QUEUE, settings);
      if (!started)
        throw new Error(
          'the tracker is already running: see `ticket-tracker tracker status`, or `tracker configure` to change its settings',
        );
      printObject({ started: DEFAULT_TRACKER_WORKFLOW_ID, ...settings }, { json: opts.json === true });
    });

  tracker
    .command('status')
    .description('state, cycle, next wake-up and the last cycle')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const temporal = await ctx.getTemporal();
      const env = ctx.getEnv();
      let trackerProblem: string | null = null;
      const tracker = await temporal.status().catch((err: unknown) => {
        trackerProblem =
          err instanceof TrackerNotRunningError
            ? err.message
            : `the tracker does not answer its status query (${(err as Error).message}): does a worker of its build poll?`;
        return null;
      });
      const name = env.TEMPORAL_DEPLOYMENT_NAME;
      const [trackerBuild, deployment, pollers] = await Promise.all([
        temporal.trackerBuild(),
        temporal.deployment(name),
        temporal.pollers(env.TEMPORAL_TASK_QUEUE),
      ]);
      const workers = judgePollers(pollers, name, deployment);
      printStatus({ tracker, trackerProblem, trackerBuild, deployment, workers, cliNode: process.version }, name, opts.json);
      // Printed above with the rest; the exit status says it to scripts.
      const problems = [
        ...(trackerProblem ? [trackerProblem] : []),
        ...(trackerBuild && trackerBuild.deploymentName !== name
          ? [
              `the tracker runs on build ${trackerBuild.buildId} of deployment ${trackerBuild.deploymentName}, not of ${name}: another deployment's Current Version took this task queue (docs/upgrades.md)`,
            ]
          : []),
        ...workers.filter((w) => w.verdict === 'refused').map((w) => `refused: worker ${w.poller.identity}: ${w.reason}`),
      ];
      if (problems.length > 0) throw new Error(problems.join('; '));
    });

  tracker
    .command('promote')
    .argument('<build-id>', 'a build id of the worker deployment (TEMPORAL_DEPLOYMENT_NAME), as `tracker status` lists them')
    .description(
      'make a build the Current Version: new scrapes start on it, the tracker loop moves to it at its next continue-as-new, and the previous build drains (docs/upgrades.md)',
    )
    .option('--json', 'print JSON')
    .action(async (buildId: string, opts: { json?: boolean }) => {
      const name = ctx.getEnv().TEMPORAL_DEPLOYMENT_NAME;
      try {
        const { previous, trackerSignalled } = await (await ctx.getTemporal()).promote(name, buildId, ctx.getEnv().TEMPORAL_TASK_QUEUE);
        printObject(
          {
            deployment: name,
            current: buildId,
            previous: previous ?? 'unversioned workers',
            tracker: trackerSignalled ? 'moves to it now (or after its running cycle)' : 'not running',
          },
          { json: opts.json === true },
        );
      } catch (err) {
        if (err instanceof UnknownBuildIdError || err instanceof NoWorkerOfBuildError) throw new UsageError(err.message);
        throw err;
      }
    });

  // The cycles the tracker ran, where one looks for them first; the command is top-level `cycles`.
  addCyclesCommand(tracker, ctx).description('the latest cycles, newest first (the same as `ticket-tracker cycles`)');

  const signalHelp: Record<keyof typeof TRACKER_SIGNALS, string> = {
    pause: 'no new cycle starts until resumed',
    resume: 'let cycles run again',
    now: 'cut the current sleep short and run a cycle now',
  };
  for (const [name, description] of Object.entries(signalHelp) as [keyof typeof TRACKER_SIGNALS, string][]) {
    tracker
      .command(name)
      .description(description)
      .action(async () => {
        const sent = await (await ctx.getTemporal()).signal(name);
        writeOut(`sent ${sent} to the tracker\n`);
      });
  }

  withSettingsFlags(tracker.command('configure').description('change the interval or strategy of the running tracker (validated)'))
    .option('--json', 'print JSON')
    .action(async (opts: Record<string, unknown>) => {
      const flags = parseOptions(settingsOptions, opts);
      const patch: TrackerSettingsPatch = {
        ...(flags.intervalHours !== undefined ? { intervalHours: flags.intervalHours } : {}),
        ...(flags.randomization !== undefined ? { randomization: flags.randomization } : {}),
        ...(flags.minFactor !== undefined ? { minFactor: flags.minFactor } : {}),
        ...(flags.maxFactor !== undefined ? { maxFactor: flags.maxFactor } : {}),
        ...(flags.fanout !== undefined ? { fanout: flags.fanout } : {}),
      };
      if (Object.keys(patch).length === 0) throw new UsageError('give at least one setting to change, e.g. --interval-hours 6');
      try {
        const settings = await (await ctx.getTemporal()).reconfigure(patch);
        printObject(settings as unknown as Record<string, unknown>, { json: opts.json === true });
      } catch (err) {
        if (err instanceof ReconfigureRejectedError) throw new UsageError(err.message);
        throw err;
      }
    });

  tracker
    .command('stop')
    .description('stop the tracker (cancels the loop; data and schedules stay)')
    .action(async () => {
      await (await ctx.getTemporal()).stop();
      writeOut('tracker stopped\n');
    });

  program
    .command('scrape')
    .description('scrape now, once, and print what was stored (all due events when no EVENT is given)')
    .argument('[EVENT...]', `events to scrape; each ${EVENT_FORMS_HELP}`)
    .option('--json', 'print JSON')
    .option('--progress', 'show progress on stderr even when it is not a terminal (it is shown on a terminal unless --json)')
    .action(async (refs: string[], opts: { json?: boolean; progress?: boolean }) => {
      const env = ctx.getEnv();
      const db = await ctx.getDb();
      const ids: number[] = [];
      for (const ref of refs) {
        try {
          ids.push((await resolveEventRef(db, ref)).id);
        } catch (err) {
          if (err instanceof EventRefError) throw new UsageError(`EVENT: ${err.message}`);
          throw err;
        }
      }
      const workflowId = `scrape-once/${new Date().toISOString()}`;
      const handle = await (
        await ctx.getTemporal()
      ).startScrape(
        env.TEMPORAL_TASK_QUEUE,
        workflowId,
        { ...(ids.length > 0 ? { eventIds: ids } : {}), fanout: env.SCRAPE_FANOUT, errorAlertThreshold: env.ERROR_ALERT_THRESHOLD },
        ids.length > 0 ? `One-off scrape of event(s) ${ids.join(', ')}` : 'One-off scrape of every due event',
      );
      const result = await withScrapeProgress(db, workflowId, ids, env.PAST_EVENT_GRACE_HOURS, createProgress(opts), () => handle.result());
      const rows = result.events.flatMap(({ event, result: r }) =>
        (
          r?.outcomes ??
          ([
            {
              marketplace: '-',
              ok: false,
              scrapeId: '',
              listingsStored: 0,
              lowestPrice: null,
              priceChangePercent: null,
              error: 'event workflow failed',
              mark: null,
            },
          ] satisfies ShownOutcome[])
        ).map((o: ShownOutcome) => ({
          eventId: event.id,
          event: event.name,
          marketplace: o.marketplace,
          // A scrape that must not pass for a plain success says so (domain/scrape-health).
          status: o.mark === 'empty' ? 'stored (empty)' : o.mark === 'format-drift' ? 'failed (format drift)' : o.ok ? 'stored' : 'failed',
          // As the marketplace stated it; a cancelled event is not scraped again after this check.
          eventStatus: o.eventStatus ?? null,
          note: o.eventStatus === 'cancelled' ? `event cancelled (${o.marketplace}): no longer scraped` : null,
          listingsStored: o.listingsStored,
          lowestAllIn: o.allInLowestPrice ?? null,
          changePercentAllIn: o.allInPriceChangePercent ?? null,
          lowestPrice: o.lowestPrice,
          changePercent: o.priceChangePercent,
          error: o.error,
        })),
      );
      if (opts.json) {
        printObject({ summary: result.summary, outcomes: rows }, opts);
      } else {
        printRows(
          rows,
          [
            { header: 'event', value: (r) => `${r.eventId} ${r.event}`.slice(0, 40) },
            { header: 'marketplace', value: (r) => r.marketplace },
            { header: 'status', value: (r) => r.status },
            { header: 'listings', value: (r) => r.listingsStored, align: 'right' },
            { header: 'lowest all-in', value: (r) => r.lowestAllIn, align: 'right' },
            { header: 'change % all-in', value: (r) => r.changePercentAllIn, align: 'right' },
            { header: 'lowest before fees', value: (r) => r.lowestPrice, align: 'right' },
            { header: 'change % before fees', value: (r) => r.changePercent, align: 'right' },
            { header: 'event status', value: (r) => r.eventStatus },
            { header: 'error', value: (r) => (r.error ?? r.note ?? '').slice(0, 80) },
          ],
          opts,
        );
        writeOut(
          `\n${result.summary.eventsScraped}/${result.summary.eventsDue} events stored, ${result.summary.listingsStored} listings, cycle ${result.summary.cycleId}\n`,
        );
      }
      if (result.summary.eventsDue > 0 && result.summary.eventsScraped === 0)
        throw new Error('nothing was stored: every scrape failed (see `ticket-tracker errors`)');
    });

  const schedules = program.command('schedules').description('Temporal Schedules for rollups and retention');
  schedules
    .command('apply')
    .description('create or update the maintenance schedules (idempotent)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await (await ctx.getTemporal()).applySchedules(ctx.getEnv().TEMPORAL_TASK_QUEUE);
      printRows(
        rows,
        [
          { header: 'schedule', value: (r) => r.id },
          { header: 'action', value: (r) => r.action },
        ],
        opts,
      );
    });
  schedules
    .command('list')
    .description('the schedules with their next runs')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await (await ctx.getTemporal()).listSchedules();
      printRows(
        rows,
        [
          { header: 'schedule', value: (r) => r.id },
          { header: 'workflow', value: (r) => r.workflowType },
          { header: 'paused', value: (r) => (r.paused ? 'yes' : 'no') },
          { header: 'next run', value: (r) => r.nextRuns[0] ?? null },
          { header: 'description', value: (r) => r.description },
        ],
        opts,
      );
    });
}
