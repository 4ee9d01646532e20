import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { actionFigures, billableActions, startedChildren, sumActions, totalActions } from '../../bench/actions';
import { fromRoot } from '../../src/config/paths';

/**
 * The cycle bench's Temporal Cloud Actions (bench/actions.ts), counted by hand on histories
 * recorded from the real workflows (test/fixtures/bench-histories, recorded by npm run record-histories from an earlier build) under the
 * rules of https://docs.temporal.io/evaluate/cloud/actions.
 */
const load = (name: string) =>
  historyFromJSON(JSON.parse(readFileSync(fromRoot('test', 'fixtures', 'bench-histories', name), 'utf8'))).events ?? [];

const T = temporal.api.enums.v1.EventType;

describe('billable Actions of a recorded scrape child (scrape-event.json: one event, four marketplaces)', () => {
  const history = load('scrape-event.json');

  it('is the history the counts below were worked out on', () => {
    assert.equal(history.length, 33);
    assert.equal(history.filter((e) => e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length, 4);
    assert.equal(history.filter((e) => e.eventType === T.EVENT_TYPE_MARKER_RECORDED).length, 9);
    assert.equal(history.filter((e) => e.eventType === T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES).length, 1);
  });

  it('counts 7 Actions: its start, four activities, one per workflow task with local activities', () => {
    assert.deepEqual(billableActions(history), {
      // Event 1, attempt 1: "Workflow started ... via Child Workflow start" (the attempt half of
      // the parent's two Actions for a child; the parent's Initiated event is the other).
      start_workflow: 1,
      // Events 7-10, one `scrape` per marketplace: "Activity started or retried". Their Started
      // events (11, 14, 16, 26) are attempt 1: no retry ("subtract 1 ... the first attempt is
      // not a retry").
      schedule_activity: 4,
      // Events 20-25 (detectPriceChanges and markScraped for three marketplaces) were recorded by
      // workflow task 19, events 31-32 (the fourth) by task 30: "Temporal Cloud counts all
      // RecordMarkers from each Workflow Task as one action, and not N actions": 2, not 8.
      record_activity_markers: 2,
    });
    // Not counted: the `scrape-activity` patch's marker (event 5, core_patch: workflow versioning,
    // which the page does not bill and Temporal's UI counts as 0) and the upsert it made (event 6,
    // TemporalChangeVersion alone: "exempt from Action counting"); no workflow task carries a
    // local-activity retry (meteringMetadata is empty), so no `retry_activity_local`.
    assert.equal(totalActions(billableActions(history)), 7);
  });
});

describe('billable Actions of a recorded tracker cycle (tracker-loop-cycle-1.json: two events)', () => {
  const history = load('tracker-loop-cycle-1.json');

  it('counts its own start, activities, child starts, timers, signals, update and continue-as-new', () => {
    assert.equal(history.length, 64);
    assert.deepEqual(billableActions(history), {
      start_workflow: 1, // event 1: started by the client, first run
      schedule_activity: 5, // startCycle, syncCatalog, listDueEvents, finishCycle, checkErrorRate (5, 11, 17, 38, 44)
      start_child_workflow: 2, // events 23, 24: the intent half of each child start
      start_timer: 2, // events 50, 58: the sleep to the next cycle, started again after the update
      signal_workflow: 2, // events 51 (pause), 59 (scrapeNow): "An Action occurs for every Signal"
      accept_workflow_update: 1, // event 55
      continue_as_new_workflow: 1, // event 64: the next run's start, counted in this run
    });
    // The children to count too, in the order they started (events 25, 27).
    assert.deepEqual(
      startedChildren(history).map((c) => c.workflowId.split('/')[1]),
      ['2', '1'],
    );
  });

  it("shares the cycle's Actions among its event scrapes, the children's histories counted too", () => {
    // The recorded child stands for both children here: (14 + 7 + 7) / 2 events.
    const child = load('scrape-event.json');
    const figures = actionFigures([{ events: history }, { events: child }, { events: child }], 2);
    assert.equal(figures.actions_per_event_scrape, 14);
    assert.equal(figures['actions_per_event_scrape: schedule_activity'], (5 + 4 + 4) / 2);
    assert.equal(figures['actions_per_event_scrape: start_child_workflow'], 1);
    assert.equal(figures['actions_per_event_scrape: start_workflow'], (1 + 1 + 1) / 2);
    assert.equal(figures.history_events_per_event_scrape, (64 + 33 + 33) / 2);
    assert.equal(figures.workflows_per_event_scrape, 1.5);
    // Heartbeats are counted from RPCs, not histories: added per event.
    assert.equal(actionFigures([{ events: child }], 1, 'x_', { record_activity_heartbeat: 0.5 }).x_actions_per_event_scrape, 7.5);
  });
});

describe('billable Actions: the rules the recorded histories do not exercise', () => {
  // fromObject: the numbers become the Longs a fetched history holds.
  const at = (eventId: number, e: Record<string, unknown>): temporal.api.history.v1.IHistoryEvent =>
    temporal.api.history.v1.HistoryEvent.fromObject({ eventId, ...e });
  const payload = { data: [1] };

  it('counts retries, local-activity retries up to 100 a task, user search attributes; not retried or continued runs', () => {
    const counts = billableActions([
      at(1, { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, workflowExecutionStartedEventAttributes: { attempt: 1 } }),
      at(2, { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, workflowExecutionSignaledEventAttributes: {} }), // Signal-With-Start
      at(3, { eventType: T.EVENT_TYPE_ACTIVITY_TASK_STARTED, activityTaskStartedEventAttributes: { attempt: 3 } }),
      at(4, {
        eventType: T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        workflowTaskCompletedEventAttributes: { meteringMetadata: { nonfirstLocalActivityExecutionAttempts: 250 } },
      }),
      at(5, {
        eventType: T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
        upsertWorkflowSearchAttributesEventAttributes: {
          searchAttributes: { indexedFields: { TemporalChangeVersion: payload, Team: payload } },
        },
      }),
      at(6, {
        eventType: T.EVENT_TYPE_MARKER_RECORDED,
        markerRecordedEventAttributes: { markerName: 'Version', workflowTaskCompletedEventId: 4 },
      }),
    ]);
    assert.deepEqual(counts, { start_workflow: 1, retry_activity: 2, retry_activity_local: 100, upsert_workflow_search_attributes: 1 });
    const initiator = temporal.api.enums.v1.ContinueAsNewInitiator;
    for (const attributes of [{ attempt: 2 }, { continuedExecutionRunId: 'r0', initiator: initiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW }])
      assert.deepEqual(
        billableActions([
          at(1, { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, workflowExecutionStartedEventAttributes: attributes }),
        ]),
        {},
      );
    assert.deepEqual(sumActions([counts, { retry_activity: 1 }]).retry_activity, 3);
  });
});
