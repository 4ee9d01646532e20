import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { TrackerSettings, TrackerSettingsPatch, TrackerStatus } from '../domain/tracker';
import { scrapeEvents, selfCheck, trackerLoop } from '../workflows/index';
import type { ScrapeEventsResult } from '../workflows/scrape-events';
import type { SelfCheckResult } from '../workflows/self-check';
import {
  DEFAULT_TRACKER_WORKFLOW_ID,
  type ScrapeEventsInput,
  pauseSignal,
  reconfigureUpdate,
  resumeSignal,
  scrapeNowSignal,
  statusQuery,
  versionPromotedSignal,
} from '../workflows/definitions';
import { applySchedules, listSchedules, type ScheduleRow } from './schedules';
import { buildOfRun, describeDeployment, setCurrentBuild, workflowPollers, type DeploymentState, type Poller } from './deployment';

/** The tracker loop (workflow id "tracker") is not running. */
export class TrackerNotRunningError extends Error {
  override name = 'TrackerNotRunningError';
  constructor(cause: unknown) {
    super('the tracker is not running (start it with `ticket-tracker tracker start`)', { cause });
  }
}

/** The running tracker refused a `reconfigure` update; the message says which setting and why. */
export class ReconfigureRejectedError extends Error {
  override name = 'ReconfigureRejectedError';
}

export type { Poller } from './deployment';

/** The signals an operator sends the running tracker, by their CLI name. */
export const TRACKER_SIGNALS = {
  pause: pauseSignal,
  resume: resumeSignal,
  now: scrapeNowSignal,
} as const;

async function notRunning<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new TrackerNotRunningError(err);
    throw err;
  }
}

/**
 * The Temporal client the CLI, the dashboard and the embedded stack share: every start, signal,
 * query and update of the product's workflows, and its schedules, pass the workflow functions and
 * the definitions of src/workflows/definitions.ts as values. Nothing outside src/client talks to
 * Temporal's client API.
 */
export class TrackerClient {
  private constructor(
    private readonly connection: Connection,
    private readonly client: Client,
    readonly namespace: string,
  ) {}

  /**
   * Connects to the frontend at `address` (host:port). Throws an Error that names the address and
   * says how to start a server when none answers within 5 s.
   */
  static async connect(address: string, namespace: string): Promise<TrackerClient> {
    const connection = await Connection.connect({ address, connectTimeout: '5s' }).catch((err: unknown) => {
      throw new Error(`cannot reach Temporal at ${address} (${(err as Error).message}); is \`npm start\` or the server running?`);
    });
    return new TrackerClient(connection, new Client({ connection, namespace }), namespace);
  }

  /** Starts the tracker loop; `started` is false when it already runs (the settings are then left as they are). */
  async startTracker(taskQueue: string, settings: TrackerSettings): Promise<{ started: boolean; runId: string }> {
    try {
      const handle = await this.client.workflow.start(trackerLoop, {
        taskQueue,
        workflowId: DEFAULT_TRACKER_WORKFLOW_ID,
        args: [{ settings }],
        workflowIdConflictPolicy: 'FAIL',
        staticSummary: `Scrape every tracked event every ~${settings.intervalHours} h (${settings.randomization})`,
        staticDetails:
          'Each cycle: sync the catalog, scrape every due event in a child workflow, record the cycle, sleep. Signals: pause, resume, scrapeNow. Update: reconfigure. Query: status.',
      });
      return { started: true, runId: handle.firstExecutionRunId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { started: false, runId: '' };
      throw err;
    }
  }

  private get tracker() {
    return this.client.workflow.getHandle(DEFAULT_TRACKER_WORKFLOW_ID);
  }

  /**
   * The tracker's status query. Throws TrackerNotRunningError, also when the loop has ended (a
   * closed workflow still answers queries, with its last state).
   */
  async status(): Promise<TrackerStatus> {
    const run = await notRunning(() => this.tracker.describe());
    if (run.status.name !== 'RUNNING') throw new TrackerNotRunningError(`the tracker's last run is ${run.status.name}`);
    return notRunning(() => this.tracker.query(statusQuery));
  }

  /** The build the tracker's current run is pinned to (null: unversioned), or undefined when no tracker runs. */
  async trackerBuild(): Promise<{ deploymentName: string; buildId: string } | null | undefined> {
    try {
      const run = await this.tracker.describe();
      if (run.status.name !== 'RUNNING') return undefined;
      return buildOfRun(run);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /** Sends one of TRACKER_SIGNALS; returns the signal's name. Throws TrackerNotRunningError. */
  async signal(name: keyof typeof TRACKER_SIGNALS): Promise<string> {
    const signal = TRACKER_SIGNALS[name];
    await notRunning(() => this.tracker.signal(signal));
    return signal.name;
  }

  /** The `reconfigure` update: the settings in force afterwards. Throws TrackerNotRunningError or ReconfigureRejectedError. */
  async reconfigure(patch: TrackerSettingsPatch): Promise<TrackerSettings> {
    try {
      return await notRunning(() => this.tracker.executeUpdate(reconfigureUpdate, { args: [patch] }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new ReconfigureRejectedError(err.cause?.message ?? err.message, { cause: err });
      throw err;
    }
  }

  /** Cancels the tracker loop and waits for it to end. Throws TrackerNotRunningError. */
  async stop(): Promise<void> {
    await notRunning(() => this.tracker.cancel());
    await this.tracker.result().catch(() => undefined);
  }

  /** The workers polling `taskQueue` for workflow tasks, with the version each polls as. */
  pollers(taskQueue: string): Promise<Poller[]> {
    return workflowPollers(this.client, this.namespace, taskQueue);
  }

  /** The worker deployment `name` (Worker Versioning), or null when no versioned worker polled for it. */
  deployment(name: string): Promise<DeploymentState | null> {
    return describeDeployment(this.client, this.namespace, name);
  }

  /**
   * Makes `buildId` the deployment's Current Version and tells a sleeping tracker loop, so it moves
   * to the build now rather than at the end of its sleep (versionPromotedSignal). Throws
   * UnknownBuildIdError naming the build, NoWorkerOfBuildError when no live worker of it polls
   * `taskQueue`; `trackerSignalled` is false when no tracker runs.
   */
  async promote(name: string, buildId: string, taskQueue: string): Promise<{ previous: string | null; trackerSignalled: boolean }> {
    const { previous } = await setCurrentBuild(this.client, this.namespace, name, buildId, `ticket-tracker CLI ${process.pid}`, taskQueue);
    // Signalled until the loop is on the build or busy with a cycle (it moves when the cycle ends):
    // a workflow task that started before the routing change reached its task queue sees no change.
    for (let attempt = 1; ; attempt++) {
      if ((await this.trackerBuild()) === undefined) return { previous, trackerSignalled: false };
      await this.tracker.signal(versionPromotedSignal);
      await new Promise((r) => setTimeout(r, 1000));
      const onBuild = (await this.trackerBuild())?.buildId === buildId;
      // A loop whose worker does not answer is left to move when it gets one: the promotion is made.
      const phase = onBuild
        ? null
        : await this.tracker.query(statusQuery).then(
            (s) => s.phase,
            () => null,
          );
      if (onBuild || phase !== 'sleeping' || attempt >= 10) return { previous, trackerSignalled: true };
    }
  }

  /** Starts a one-off scrape (workflow `scrapeEvents`, id `workflowId`); `result` waits for its report. */
  async startScrape(
    taskQueue: string,
    workflowId: string,
    input: ScrapeEventsInput,
    summary: string,
  ): Promise<{ workflowId: string; result: () => Promise<ScrapeEventsResult> }> {
    const handle = await this.client.workflow.start(scrapeEvents, { taskQueue, workflowId, args: [input], staticSummary: summary });
    return { workflowId, result: () => handle.result() };
  }

  /** Runs the self-check workflow (workflow -> worker -> PostgreSQL) and waits up to 2 minutes for it. */
  selfCheck(taskQueue: string): Promise<SelfCheckResult> {
    return this.client.workflow.execute(selfCheck, {
      taskQueue,
      workflowId: `self-check/${new Date().toISOString()}`,
      workflowExecutionTimeout: '2 minutes',
    });
  }

  /** Creates or updates the maintenance schedules (idempotent). */
  applySchedules(taskQueue: string): Promise<{ id: string; action: 'created' | 'updated' }[]> {
    return applySchedules(this.client, taskQueue);
  }

  listSchedules(): Promise<ScheduleRow[]> {
    return listSchedules(this.client);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
