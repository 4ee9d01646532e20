import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  isCancellation,
  makeContinueAsNewFunc,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { nextIntervalMs } from '../domain/sleep';
import {
  describeZodError,
  trackerInputSchema,
  trackerSettingsPatchSchema,
  trackerSettingsSchema,
  type TrackerInput,
  type TrackerPhase,
  type TrackerStatus,
} from '../domain/tracker';
import { runCycle } from './cycle';
import { pauseSignal, reconfigureUpdate, resumeSignal, scrapeNowSignal, statusQuery, versionPromotedSignal } from './definitions';

/**
 * The deployment's one long-running loop (workflow id `tracker`). Each run: sync the catalog,
 * list due events, scrape each in a child workflow with bounded fan-out, record the cycle, then
 * sleep a randomized interval that `scrapeNow` cuts short, and continue as new carrying settings
 * and state, so its history never grows. When a new build becomes current during the sleep (any
 * activation shows it: targetWorkerDeploymentVersionChanged), the run continues as new at once
 * and hands the rest of the sleep to the next run, on the new build: the old build drains without
 * waiting for the sleep, and the schedule is unchanged. `tracker promote` signals versionPromoted
 * for that activation; a build made current otherwise takes the loop over at the sleep's end.
 */
export async function trackerLoop(input: TrackerInput = {}): Promise<TrackerStatus> {
  // Parsed although typed: the `temporal` CLI and the Web UI can send any JSON.
  const parsed = trackerInputSchema().safeParse(input ?? {});
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`invalid trackerLoop input: ${describeZodError(parsed.error)}`, 'InvalidInput');
  }
  let settings = parsed.data.settings;
  const state = parsed.data.state;
  let phase: TrackerPhase = 'starting';
  let nextWakeAt: number | null = null;
  let settingsChanged = false;

  const status = (): TrackerStatus => ({
    phase: state.paused && phase !== 'scraping' ? 'paused' : phase,
    paused: state.paused,
    cycle: state.cycle,
    nextWakeAt: nextWakeAt === null ? null : new Date(nextWakeAt).toISOString(),
    settings,
    lastCycle: state.lastCycle,
  });
  setHandler(statusQuery, status);
  setHandler(pauseSignal, () => void (state.paused = true));
  setHandler(resumeSignal, () => void (state.paused = false));
  setHandler(scrapeNowSignal, () => void (state.runNow = true));
  // Nothing to record: the activation it brings refreshes targetWorkerDeploymentVersionChanged.
  setHandler(versionPromotedSignal, () => undefined);
  setHandler(
    reconfigureUpdate,
    (patch) => {
      settings = trackerSettingsSchema().parse({ ...settings, ...trackerSettingsPatchSchema().parse(patch) });
      settingsChanged = true;
      return settings;
    },
    {
      // Rejected updates never reach history: the caller gets the reason, the loop is untouched.
      validator: (patch) => {
        const p = trackerSettingsPatchSchema().safeParse(patch);
        if (!p.success) throw new Error(`invalid settings: ${describeZodError(p.error)}`);
        const merged = trackerSettingsSchema().safeParse({ ...settings, ...p.data });
        if (!merged.success) throw new Error(`invalid settings: ${describeZodError(merged.error)}`);
      },
    },
  );

  const versionChanged = (): boolean => workflowInfo().targetWorkerDeploymentVersionChanged;
  try {
    let sleeping = state.sleeping ? { cycleEnd: Date.parse(state.sleeping.cycleEnd), wakeAt: Date.parse(state.sleeping.wakeAt) } : null;
    // A run that took over a sleep moves on no further: at most one extra run per sleep, even if
    // the server keeps reporting another target (a ramp that does not include this workflow).
    const mayMoveOn = sleeping === null;
    if (!sleeping) {
      // A paused tracker waits here (across continue-as-new too) until resumed or asked to scrape now.
      await condition(() => !state.paused || state.runNow);
      state.runNow = false;
      phase = 'scraping';
      state.lastCycle = (
        await runCycle({
          cycle: state.cycle + 1,
          fanout: settings.fanout,
          errorAlertThreshold: settings.errorAlertThreshold,
          syncCatalog: true,
        })
      ).summary;
      state.cycle += 1;
      const cycleEnd = Date.now();
      sleeping = { cycleEnd, wakeAt: cycleEnd + nextIntervalMs(settings, Math.random) };
    }

    phase = 'sleeping';
    nextWakeAt = sleeping.wakeAt;
    let movesOn = false;
    while (!state.runNow && Date.now() < nextWakeAt) {
      await condition(() => state.runNow || settingsChanged || (mayMoveOn && versionChanged()), nextWakeAt - Date.now());
      if (settingsChanged) {
        // New settings apply to the sleep in progress: redraw it from the end of the cycle.
        settingsChanged = false;
        nextWakeAt = sleeping.cycleEnd + nextIntervalMs(settings, Math.random);
      }
      if (mayMoveOn && versionChanged() && !state.runNow && Date.now() < nextWakeAt) {
        movesOn = true;
        break;
      }
    }
    state.sleeping = movesOn ? { cycleEnd: new Date(sleeping.cycleEnd).toISOString(), wakeAt: new Date(nextWakeAt).toISOString() } : null;
  } catch (err) {
    if (isCancellation(err)) {
      phase = 'starting';
      return status(); // `tracker stop`: end quietly with the last status as the result
    }
    throw err;
  }
  // Let signal and update handlers finish so nothing is lost across continue-as-new.
  await condition(allHandlersFinished);
  // A scrapeNow that arrived during the sleep carries over (state.runNow) as an immediate cycle.
  // Onto the worker deployment's Current Version (Upgrade on Continue-as-New): each run is pinned to
  // the build that started it and the next starts on whichever build is current then, so a new
  // build takes the loop over between two runs, never inside one. Unversioned workers ignore it.
  return makeContinueAsNewFunc<typeof trackerLoop>({ initialVersioningBehavior: 'AUTO_UPGRADE' })({ settings, state });
}
