import { proxyActivities } from '@temporalio/workflow';
import type { MainActivities } from '../activities';

/**
 * Maintenance workflows, started by Temporal Schedules (`ticket-tracker schedules apply`). Each
 * re-aggregates a window a little wider than its period, so late data is folded in; the
 * activities are idempotent by period, so an overlap or a re-run changes nothing.
 */
const maintenance = proxyActivities<MainActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 5 },
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function floorTo(ms: number, unit: number): number {
  return Math.floor(ms / unit) * unit;
}

/** Hourly rollup of the last 3 hours (the current one included). */
export async function hourlyRollup(): Promise<{ rows: number; from: string; to: string }> {
  const to = floorTo(Date.now(), HOUR) + HOUR;
  const from = to - 3 * HOUR;
  const { rows } = await maintenance.rollupHourly({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  return { rows, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** Daily rollup of the last 2 days (UTC days, the current one included). */
export async function dailyRollup(): Promise<{ rows: number; from: string; to: string }> {
  const to = floorTo(Date.now(), DAY) + DAY;
  const from = to - 2 * DAY;
  const { rows } = await maintenance.rollupDaily({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  return { rows, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** Archive old raw data and apply the retention policy. */
export async function archiveAndRetention(): Promise<Record<string, number>> {
  return maintenance.applyRetention({ now: new Date(Date.now()).toISOString() });
}
