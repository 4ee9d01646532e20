import { Context } from '@temporalio/activity';
import type { Db } from '../db/pool';
/** The self-check's activity: a row written and read back (workflow -> activity on a worker -> PostgreSQL). */
export function selfCheckActivities(db: Db) {
  return {
    /** Idempotent by (workflow, run): a retry returns the row the first attempt wrote. */
    async recordSelfCheck(input: {
      workflowId: string;
      runId: string;
    }): Promise<{ workflowId: string; checkedAt: string; workerIdentity: string; totalChecks: number }> {
      const identity = Context.current().info.taskQueue + '@' + process.pid;
      await db.query(
        `INSERT INTO self_checks (workflow_id, run_id, worker_identity) VALUES ($1, $2, $3)
         ON CONFLICT (workflow_id, run_id) DO NOTHING`,
        [input.workflowId, input.runId, identity],
      );
      const row = await db.query<{ checked_at: Date; worker_identity: string; total: string }>(
        `SELECT checked_at, worker_identity, (SELECT count(*) FROM self_checks) AS total
           FROM self_checks WHERE workflow_id = $1 AND run_id = $2`,
        [input.workflowId, input.runId],
      );
      const r = row.rows[0];
      if (!r) throw new Error(`self-check row for ${input.workflowId} was not found after writing it`);
      return {
        workflowId: input.workflowId,
        checkedAt: r.checked_at.toISOString(),
        workerIdentity: r.worker_identity,
        totalChecks: Number(r.total),
      };
    },
  };
}
