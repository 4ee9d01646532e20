import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { archiveAndRetention, dailyRollup, hourlyRollup } from '../workflows/index';

/**
 * The maintenance schedules, as Temporal Schedules. `applySchedules` creates them or brings
 * existing ones up to date, so running it again (every `npm start`, every deploy) is harmless.
 */
export interface MaintenanceSchedule {
  id: string;
  /** The workflow each run starts (its function name is the workflow type). */
  workflow: typeof hourlyRollup | typeof dailyRollup | typeof archiveAndRetention;
  description: string;
  spec: ScheduleOptions['spec'];
}

export const MAINTENANCE_SCHEDULES: readonly MaintenanceSchedule[] = [
  {
    id: 'rollup-hourly',
    workflow: hourlyRollup,
    description: 'hourly rollup of snapshots, 5 minutes past every hour',
    spec: { intervals: [{ every: '1 hour', offset: '5 minutes' }] },
  },
  {
    id: 'rollup-daily',
    workflow: dailyRollup,
    description: 'daily rollup from hourly rollups, 00:15 UTC',
    spec: { calendars: [{ hour: 0, minute: 15, comment: 'after the last hourly rollup of the day' }] },
  },
  {
    id: 'archive-retention',
    workflow: archiveAndRetention,
    description: 'archive old raw data and apply retention, 03:30 UTC',
    spec: { calendars: [{ hour: 3, minute: 30, comment: 'quiet hours' }] },
  },
];

function optionsFor(s: MaintenanceSchedule, taskQueue: string): ScheduleOptions {
  return {
    scheduleId: s.id,
    spec: s.spec,
    action: {
      type: 'startWorkflow',
      workflowType: s.workflow,
      args: [],
      taskQueue,
      workflowId: `maintenance/${s.id}`,
      workflowExecutionTimeout: '2 hours',
      staticSummary: s.description,
    },
    // A run still going when the next is due is left alone; missed runs within a day are caught up.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    memo: { description: s.description },
  };
}

export async function applySchedules(client: Client, taskQueue: string): Promise<{ id: string; action: 'created' | 'updated' }[]> {
  const out: { id: string; action: 'created' | 'updated' }[] = [];
  for (const s of MAINTENANCE_SCHEDULES) {
    const options = optionsFor(s, taskQueue);
    try {
      await client.schedule.create(options);
      out.push({ id: s.id, action: 'created' });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule
        .getHandle(s.id)
        .update((prev) => ({ ...prev, spec: options.spec, action: options.action, policies: { ...prev.policies, ...options.policies } }));
      out.push({ id: s.id, action: 'updated' });
    }
  }
  return out;
}

export interface ScheduleRow {
  id: string;
  workflowType: string;
  paused: boolean;
  nextRuns: Date[];
  recentRuns: number;
  description: string;
}

export async function listSchedules(client: Client): Promise<ScheduleRow[]> {
  const rows: ScheduleRow[] = [];
  for await (const s of client.schedule.list()) {
    const d = await client.schedule.getHandle(s.scheduleId).describe();
    rows.push({
      id: s.scheduleId,
      workflowType: d.action.type === 'startWorkflow' ? d.action.workflowType : d.action.type,
      paused: d.state.paused,
      nextRuns: d.info.nextActionTimes.slice(0, 2),
      recentRuns: d.info.recentActions.length,
      description: typeof d.memo?.description === 'string' ? d.memo.description : '',
    });
  }
  return rows.sort((a, b) => a.id.localeCompare(b.id));
}
