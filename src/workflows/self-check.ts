import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MainActivities } from '../activities';

const { recordSelfCheck } = proxyActivities<MainActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5 },
  summary: 'write and read back a self-check row',
});

export interface SelfCheckResult {
  workflowId: string;
  checkedAt: string;
  workerIdentity: string;
  totalChecks: number;
}

/** Proves the whole path: workflow -> activity on a worker -> PostgreSQL write and read. */
export async function selfCheck(): Promise<SelfCheckResult> {
  const { workflowId, runId } = workflowInfo();
  return recordSelfCheck({ workflowId, runId });
}
