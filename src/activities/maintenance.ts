import { Context } from '@temporalio/activity';
import { applyRetention, retentionPolicyFromEnv } from '../db/retention';
import { refreshRollups, rollupDaily, rollupHourly } from '../db/rollup';
import type { ActivityDeps } from './types';

/** Heartbeats while a long statement runs, so a dead worker is noticed within the heartbeat timeout. */
async function withHeartbeat<T>(work: Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), 10_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** Rollups and retention, each heartbeating while its statements run. */
export function maintenanceActivities({ db, env }: ActivityDeps) {
  return {
    async rollupHourly({ from, to }: { from: string; to: string }): Promise<{ rows: number }> {
      const r = await withHeartbeat(rollupHourly(db, { from: new Date(from), to: new Date(to) }));
      return { rows: r.rows };
    },
    async rollupDaily({ from, to }: { from: string; to: string }): Promise<{ rows: number }> {
      const r = await withHeartbeat(rollupDaily(db, { from: new Date(from), to: new Date(to) }));
      return { rows: r.rows };
    },
    /** Rolls up the hours and days marked since the last rollup (db/rollup refreshRollups); rows written per level. */
    async refreshRollups(): Promise<{ hourlyRows: number; dailyRows: number }> {
      return withHeartbeat(refreshRollups(db));
    },
    async applyRetention({ now }: { now: string }): Promise<Record<string, number>> {
      const r = await withHeartbeat(applyRetention(db, retentionPolicyFromEnv(env), new Date(now)));
      return {
        archivedPartitions: Object.values(r.archived).reduce((n, list) => n + list.length, 0),
        archivedRows: r.archivedRows,
        hourlyDeleted: r.hourlyDeleted,
        cyclesDeleted: r.cyclesDeleted,
        errorsDeleted: r.errorsDeleted,
        chunksCompressed: r.chunksCompressed,
      };
    },
  };
}
