import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Env } from '../config';
import { RANDOMIZATION } from '../domain/sleep';
import { trackerSettingsSchema, type TrackerSettings } from '../domain/tracker';
import { trackerLoop } from '../workflows';
import { DEFAULT_TRACKER_WORKFLOW_ID } from '../workflows/definitions';
import { parseOptions } from '../cli/parse';

/** Starting the tracker loop, shared by `tracker start` and the embedded stack. */
const num = z.coerce.number({ error: 'must be a number' });
export const settingsOptions = z
  .object({
    intervalHours: num.optional(),
    randomization: z.enum(RANDOMIZATION).optional(),
    minFactor: num.optional(),
    maxFactor: num.optional(),
    fanout: z.coerce.number().int().optional(),
  })
  .passthrough();

/** Tracker settings: the configuration's defaults, overridden by the command's flags. */
export function trackerSettingsFrom(env: Env, flags: z.infer<typeof settingsOptions>): TrackerSettings {
  const merged = {
    intervalHours: flags.intervalHours ?? env.SCRAPE_INTERVAL_HOURS,
    randomization: flags.randomization ?? env.RANDOMIZATION_STRATEGY,
    minFactor: flags.minFactor ?? env.MIN_RANDOM_FACTOR,
    maxFactor: flags.maxFactor ?? env.MAX_RANDOM_FACTOR,
    fanout: flags.fanout ?? env.SCRAPE_FANOUT,
    errorAlertThreshold: env.ERROR_ALERT_THRESHOLD,
  };
  return parseOptions(trackerSettingsSchema(), merged);
}

export async function startTracker(client: Client, env: Env, settings: TrackerSettings): Promise<{ started: boolean; runId: string }> {
  try {
    const handle = await client.workflow.start(trackerLoop, {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
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
