import { temporal } from '@temporalio/proto';

/**
 * Temporal Cloud's billable Actions, counted from workflow histories. Pure: histories in, counts
 * out. The rules are Temporal's documented ones, "Temporal Cloud Actions",
 * https://docs.temporal.io/evaluate/cloud/actions (read 2026-12-07), whose tables map each Action
 * to the history event that records it; where the page leaves a case open, Temporal's own Web UI
 * estimate decides (temporalio/ui src/lib/utilities/get-event-billable-actions.ts, the "Billable
 * Actions" column the page refers to). Each kind is named by the page's metric name:
 *
 * - `start_workflow`: WorkflowExecutionStarted, 1 ("Workflow started ... via client start,
 *   Continue-As-New, Child Workflow start"). Not for a retried run (attempt > 1: the UI counts 0)
 *   nor for the new run of a Continue-As-New, which is counted once, in the old run, as
 *   `continue_as_new_workflow` (the page maps that Action to WorkflowExecutionContinuedAsNew), so
 *   a cycle that continues as new carries its own continuation. A start by a Schedule adds
 *   `schedule_workflow` 2 ("Each execution of a Schedule accrues three Actions", the start being
 *   the third), on the first run only.
 * - `start_child_workflow`: StartChildWorkflowExecutionInitiated in the parent, 1. The page says a
 *   child start "Results in two Actions, one for durably storing the intent ... and one for the
 *   attempt to start it": the second is the child's own WorkflowExecutionStarted (`start_workflow`
 *   in the child's history; the UI counts 1 on each since temporalio/ui#3062). Count the child's
 *   history too, or a child start is half counted.
 * - `schedule_activity`: ActivityTaskScheduled, 1 ("Activity started or retried").
 * - `retry_activity`: ActivityTaskStarted's `attempt` - 1 (the page: "subtract 1, because the first
 *   attempt is not a retry").
 * - `record_activity_markers`: 1 per workflow task that recorded markers, whatever their number
 *   ("All Local Activities associated with one Workflow Task count as a single Action. Temporal
 *   Cloud counts all RecordMarkers from each Workflow Task as one action"), grouped by the marker's
 *   workflowTaskCompletedEventId. Patch markers (`core_patch`, the TypeScript SDK's `patched()`;
 *   `Version`, Go's) are not counted: the page lists markers under local activities only, exempts
 *   `TemporalChangeVersion`, the search attribute patches upsert, and the UI counts 0 for them.
 *   Side effect markers fall under the same per-task rule (the TypeScript SDK has none).
 * - `retry_activity_local`: WorkflowTaskCompleted's meteringMetadata
 *   .nonfirstLocalActivityExecutionAttempts, at most 100 per task (the page's "capped at 100").
 * - `start_timer`: TimerStarted, 1 (implicit timers included).
 * - `signal_workflow`: WorkflowExecutionSignaled, 1, except event 2 of a Signal-With-Start (one
 *   Action in all, its start). A signal sent by a workflow is counted where it lands: the page's
 *   UI "shows a billable action only in the signaled Event history".
 * - `accept_workflow_update` (UpdateAccepted), `reject_workflow_update` (never written to history).
 * - `upsert_workflow_search_attributes`: UpsertWorkflowSearchAttributes, 1, except one that sets
 *   `TemporalChangeVersion` alone ("exempt from Action counting").
 * - `update_workflow_options`: WorkflowExecutionOptionsUpdated, 1.
 * - `reset_workflow`: WorkflowTaskFailed with cause RESET_WORKFLOW, 1.
 * - `schedule_nexus_operation`, `request_nexus_operation_cancellation`: 1 each.
 *
 * Not in any history, so not counted here: queries, activity heartbeats that reach the server
 * (`record_activity_heartbeat`; the cycle bench counts their RPCs from the worker's SDK metrics),
 * schedule management, exports, fairness and capacity surcharges.
 */

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

/** Billable Actions of a history by kind (the page's metric names); kinds with none are absent. */
export type ActionCounts = Record<string, number>;

/** Markers that record a patch (workflow versioning), which are not billed. */
const PATCH_MARKERS = new Set(['core_patch', 'Version']);
/** The page's cap on local-activity retries counted per workflow task. */
const LOCAL_RETRY_CAP = 100;
const CONTINUED_BY_WORKFLOW = temporal.api.enums.v1.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW;

function add(counts: ActionCounts, kind: string, n = 1): void {
  if (n > 0) counts[kind] = (counts[kind] ?? 0) + n;
}

/** Billable Actions recorded in one workflow history, by kind (see the file's comment for each rule). */
export function billableActions(events: readonly HistoryEvent[]): ActionCounts {
  const counts: ActionCounts = {};
  const tasksWithMarkers = new Set<string>();
  for (const e of events) {
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const a = e.workflowExecutionStartedEventAttributes;
        if ((a?.attempt ?? 1) > 1) break;
        if (a?.continuedExecutionRunId && a.initiator === CONTINUED_BY_WORKFLOW) break;
        add(counts, 'start_workflow');
        const firstRun = !a?.firstExecutionRunId || a.firstExecutionRunId === a.originalExecutionRunId;
        if (firstRun && a?.searchAttributes?.indexedFields?.TemporalScheduledById) add(counts, 'schedule_workflow', 2);
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        add(counts, 'continue_as_new_workflow');
        break;
      case T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        add(counts, 'start_child_workflow');
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        add(counts, 'schedule_activity');
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        add(counts, 'retry_activity', (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
        break;
      case T.EVENT_TYPE_MARKER_RECORDED: {
        const a = e.markerRecordedEventAttributes;
        if (PATCH_MARKERS.has(a?.markerName ?? '')) break;
        const task = String(a?.workflowTaskCompletedEventId ?? `marker ${String(e.eventId)}`);
        if (!tasksWithMarkers.has(task)) {
          tasksWithMarkers.add(task);
          add(counts, 'record_activity_markers');
        }
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
        const retries = e.workflowTaskCompletedEventAttributes?.meteringMetadata?.nonfirstLocalActivityExecutionAttempts ?? 0;
        add(counts, 'retry_activity_local', Math.min(retries, LOCAL_RETRY_CAP));
        break;
      }
      case T.EVENT_TYPE_TIMER_STARTED:
        add(counts, 'start_timer');
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        if (Number(e.eventId) !== 2) add(counts, 'signal_workflow');
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        add(counts, 'accept_workflow_update');
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED:
        add(counts, 'reject_workflow_update');
        break;
      case T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
        if (!(fields.length === 1 && fields[0] === 'TemporalChangeVersion')) add(counts, 'upsert_workflow_search_attributes');
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED:
        add(counts, 'update_workflow_options');
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_FAILED:
        if (
          e.workflowTaskFailedEventAttributes?.cause ===
          temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW
        )
          add(counts, 'reset_workflow');
        break;
      case T.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED:
        add(counts, 'schedule_nexus_operation');
        break;
      case T.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED:
        add(counts, 'request_nexus_operation_cancellation');
        break;
      default:
        break;
    }
  }
  return counts;
}

/** The sum of several histories' counts, by kind. */
export function sumActions(all: readonly ActionCounts[]): ActionCounts {
  const out: ActionCounts = {};
  for (const counts of all) for (const [kind, n] of Object.entries(counts)) add(out, kind, n);
  return out;
}

/** All Actions of counts, every kind together. */
export function totalActions(counts: ActionCounts): number {
  return Object.values(counts).reduce((n, c) => n + c, 0);
}

/** The workflows a history started as children (ChildWorkflowExecutionStarted), to count their histories too. */
export function startedChildren(events: readonly HistoryEvent[]): { workflowId: string; runId: string }[] {
  const out: { workflowId: string; runId: string }[] = [];
  for (const e of events) {
    const run = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    if (e.eventType === T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED && run?.workflowId && run.runId)
      out.push({ workflowId: run.workflowId, runId: run.runId });
  }
  return out;
}

/**
 * Figures of one cycle's histories (the cycle workflow's and every workflow it started, at any
 * depth) shared over its `events`: `actions_per_event_scrape` and one `actions_per_event_scrape:
 * KIND` per kind, `history_events_per_event_scrape`, `workflows_per_event_scrape`, each prefixed
 * with `prefix`. `extra` adds Actions counted elsewhere (heartbeats, from RPC counts), per event.
 */
export function actionFigures(
  histories: readonly { events: readonly HistoryEvent[] }[],
  events: number,
  prefix = '',
  extra: ActionCounts = {},
): Record<string, number> {
  const perEvent = (n: number): number => Math.round((n / events) * 1000) / 1000;
  const counts = sumActions(histories.map((h) => billableActions(h.events)));
  const all = { ...counts };
  for (const [kind, n] of Object.entries(extra)) add(all, kind, n * events);
  const out: Record<string, number> = { [`${prefix}actions_per_event_scrape`]: perEvent(totalActions(all)) };
  for (const [kind, n] of Object.entries(all).sort((a, b) => b[1] - a[1])) out[`${prefix}actions_per_event_scrape: ${kind}`] = perEvent(n);
  out[`${prefix}history_events_per_event_scrape`] = perEvent(histories.reduce((n, h) => n + h.events.length, 0));
  out[`${prefix}workflows_per_event_scrape`] = perEvent(histories.length);
  return out;
}
