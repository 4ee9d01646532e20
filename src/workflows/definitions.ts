/**
 * The Temporal surface of the tracker, in one workflow-safe module: the workflow input types and
 * the signal, query and update definitions. Workflows register handlers for these; the CLI, the
 * dev stack, schedules, scripts and tests pass these definitions (and the workflow functions from
 * `./index`) to the client, so the compiler checks every name and payload. The names given here
 * are the ones visible in histories and to the `temporal` CLI: changing one breaks replay.
 *
 * Inputs are typed for TypeScript callers, and every workflow still parses its input with zod,
 * because `temporal workflow start --input ...` and the Web UI send whatever JSON they are given.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TrackerSettings, TrackerSettingsPatch, TrackerStatus } from '../domain/tracker';

export type { ScrapeEventInput, ScrapeEventsInput, TrackerInput } from '../domain/tracker';

/** Workflow id of the deployment's one tracker loop. */
export { DEFAULT_TRACKER_WORKFLOW_ID } from '../domain/tracker';

/** Tracker loop: no new cycle starts until `resume` (a running cycle finishes). */
export const pauseSignal = defineSignal('pause');
/** Tracker loop: let cycles run again. */
export const resumeSignal = defineSignal('resume');
/** Tracker loop: cut the current sleep short (and run a cycle even while paused). */
export const scrapeNowSignal = defineSignal('scrapeNow');
/**
 * Tracker loop: a new build became the deployment's Current Version (`tracker promote`). A
 * sleeping loop gets no workflow task of its own when the server's routing changes, so this one
 * wakes it to look (targetWorkerDeploymentVersionChanged) and move to the new build at once.
 */
export const versionPromotedSignal = defineSignal('versionPromoted');
/**
 * Tracker loop: change some settings; returns the merged settings. A patch that fails validation
 * is rejected before it reaches history (the caller gets the reason, the loop is untouched).
 */
export const reconfigureUpdate = defineUpdate<TrackerSettings, [TrackerSettingsPatch]>('reconfigure');
/** Tracker loop: phase, cycle count, next wake-up, settings and the last cycle's summary. */
export const statusQuery = defineQuery<TrackerStatus>('status');
