import { temporal } from '@temporalio/proto';

/**
 * Where the time of one scrape child goes, read from event timestamps of Temporal histories
 * (the server writes every event time; nothing here is estimated). Pure: histories in, figures out.
 */

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

/** Milliseconds since the epoch, with the nanoseconds the server wrote (tsToMs would floor them). */
export function eventMs(e: HistoryEvent): number {
  const t = e.eventTime;
  if (!t) throw new Error(`history event ${String(e.eventId)} has no eventTime`);
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

/** One named interval of a child's life, in milliseconds. */
export interface Step {
  step: string;
  ms: number;
}

/**
 * The steps of one child workflow from its own history: each workflow task's schedule-to-start
 * and start-to-close (`workflow task N ...`; a task that runs local activities includes them),
 * each activity's schedule-to-start (queue wait) and start-to-close (`activity TYPE ...`), and how
 * many events and local-activity markers the history holds.
 *
 * @throws when the history is not a completed workflow's (no WorkflowExecutionStarted first).
 */
export function childSteps(events: readonly HistoryEvent[]): { steps: Step[]; events: number; markers: number } {
  if (events[0]?.eventType !== T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
    throw new Error('history does not begin with WorkflowExecutionStarted');
  const steps: Step[] = [];
  const at = new Map<number, HistoryEvent>();
  let wft = 0;
  let wftScheduled = 0;
  let wftStarted = 0;
  let markers = 0;
  for (const e of events) {
    at.set(Number(e.eventId), e);
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        wft++;
        wftScheduled = eventMs(e);
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        wftStarted = eventMs(e);
        steps.push({ step: `workflow task ${wft} schedule-to-start`, ms: wftStarted - wftScheduled });
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        steps.push({ step: `workflow task ${wft} start-to-close`, ms: eventMs(e) - wftStarted });
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const scheduled = at.get(Number(e.activityTaskStartedEventAttributes?.scheduledEventId));
        const type = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
        if (scheduled) steps.push({ step: `activity ${type} schedule-to-start`, ms: eventMs(e) - eventMs(scheduled) });
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const a = e.activityTaskCompletedEventAttributes;
        const started = at.get(Number(a?.startedEventId));
        const type = at.get(Number(a?.scheduledEventId))?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
        if (started) steps.push({ step: `activity ${type} start-to-close`, ms: eventMs(e) - eventMs(started) });
        break;
      }
      case T.EVENT_TYPE_MARKER_RECORDED:
        markers++;
        break;
      default:
        break;
    }
  }
  return { steps, events: events.length, markers };
}

/** A child's life as its parent sees it: StartChildWorkflowExecutionInitiated to ChildWorkflowExecutionCompleted. */
export interface ChildSpan {
  workflowId: string;
  initiatedMs: number;
  /** ChildWorkflowExecutionStarted in the parent's history (the start acknowledged). */
  startedMs: number | null;
  completedMs: number | null;
}

/**
 * The children of a parent history, with the times the parent recorded for each, and the
 * parent's own workflow tasks (count and summed start-to-close) over the whole run.
 */
export function parentSpans(events: readonly HistoryEvent[]): {
  children: ChildSpan[];
  events: number;
  workflowTasks: number;
  workflowTaskMs: number;
} {
  const byInitiatedId = new Map<number, ChildSpan>();
  let workflowTasks = 0;
  let workflowTaskMs = 0;
  let started = 0;
  for (const e of events) {
    if (e.eventType === T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
      const workflowId = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? '';
      byInitiatedId.set(Number(e.eventId), { workflowId, initiatedMs: eventMs(e), startedMs: null, completedMs: null });
    } else if (e.eventType === T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
      const span = byInitiatedId.get(Number(e.childWorkflowExecutionStartedEventAttributes?.initiatedEventId));
      if (span) span.startedMs = eventMs(e);
    } else if (e.eventType === T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED) {
      const span = byInitiatedId.get(Number(e.childWorkflowExecutionCompletedEventAttributes?.initiatedEventId));
      if (span) span.completedMs = eventMs(e);
    } else if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      started = eventMs(e);
    } else if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      workflowTasks++;
      workflowTaskMs += eventMs(e) - started;
    }
  }
  return { children: [...byInitiatedId.values()], events: events.length, workflowTasks, workflowTaskMs };
}

/**
 * The steps of sampled children joined with their parent's view: `child start` (initiated in the
 * parent to started in the child), the child's own steps, and `child close seen by parent` (the
 * child's completion to the parent's ChildWorkflowExecutionCompleted). Returns each step's mean
 * over the sample, in the order first met, and the mean whole life of a child.
 */
export function meanSteps(samples: readonly { span: ChildSpan; history: readonly HistoryEvent[] }[]): {
  steps: Step[];
  childLifeMs: number;
  eventsPerChild: number;
  markersPerChild: number;
} {
  const sums = new Map<string, { total: number; n: number }>();
  const add = (step: string, ms: number): void => {
    const s = sums.get(step) ?? { total: 0, n: 0 };
    s.total += ms;
    s.n++;
    sums.set(step, s);
  };
  let life = 0;
  let lives = 0;
  let events = 0;
  let markers = 0;
  for (const { span, history } of samples) {
    const first = history[0];
    const last = history[history.length - 1];
    if (!first || !last) continue;
    add('child start (parent initiated -> child started)', eventMs(first) - span.initiatedMs);
    const own = childSteps(history);
    for (const s of own.steps) add(s.step, s.ms);
    events += own.events;
    markers += own.markers;
    if (span.completedMs !== null) {
      add('child close seen by parent', span.completedMs - eventMs(last));
      life += span.completedMs - span.initiatedMs;
      lives++;
    }
  }
  const n = samples.length || 1;
  return {
    steps: [...sums].map(([step, s]) => ({ step, ms: s.total / s.n })),
    childLifeMs: lives ? life / lives : NaN,
    eventsPerChild: events / n,
    markersPerChild: markers / n,
  };
}
