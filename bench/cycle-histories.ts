import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { startedChildren } from './actions';

/** One workflow run's history, as the server returned it. */
export interface RunHistory {
  workflowId: string;
  events: temporal.api.history.v1.IHistoryEvent[];
}

/**
 * The history of `root` and of every workflow it started as a child, at any depth (a cycle, its
 * scrape children, their alert deliveries), fetched `concurrency` at a time. Children are found by
 * their ChildWorkflowExecutionStarted events, so a child whose start failed has no history here.
 *
 * @throws what fetchHistory throws (a run that is not found, the server unreachable).
 */
export async function historyTree(client: Client, root: { workflowId: string; runId?: string }, concurrency = 16): Promise<RunHistory[]> {
  const queue = [root];
  const out: RunHistory[] = [];
  let busy = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      if (queue.length === 0 && busy === 0) return resolve();
      while (busy < concurrency && queue.length > 0) {
        const run = queue.shift()!;
        busy++;
        client.workflow
          .getHandle(run.workflowId, run.runId)
          .fetchHistory()
          .then((history) => {
            const events = history.events ?? [];
            out.push({ workflowId: run.workflowId, events });
            queue.push(...startedChildren(events));
            busy--;
            pump();
          }, reject);
      }
    };
    pump();
  });
  return out;
}
