import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, isCancellation, setHandler } from '@temporalio/workflow';
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
import { pauseSignal, reconfigureUpdate, resumeSignal, scrapeNowSignal, statusQuery } from './definitions';

/**
 * The deployment's one long-running loop (workflow id `tracker`). Each cycle: sync the catalog,
 * list due events, scrape each in a child workflow with bounded fan-out, record the cycle, then
 * sleep a randomized interval that `scrapeNow` cuts short. Continues as new after every cycle,
 * carrying its settings and state, so its history never grows.
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

  try {
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

    phase = 'sleeping';
    const cycleEnd = Date.now();
    nextWakeAt = cycleEnd + nextIntervalMs(settings, Math.random);
    while (!state.runNow && Date.now() < nextWakeAt) {
      await condition(() => state.runNow || settingsChanged, nextWakeAt - Date.now());
      if (settingsChanged) {
        // New settings apply to the sleep in progress: redraw it from the end of the cycle.
        settingsChanged = false;
        nextWakeAt = cycleEnd + nextIntervalMs(settings, Math.random);
      }
    }
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
  return continueAsNew<typeof trackerLoop>({ settings, state });
}
