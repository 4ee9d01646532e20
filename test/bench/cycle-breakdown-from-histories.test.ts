import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { childSteps, meanSteps, parentSpans } from '../../bench/cycle-steps';
import { deltaMetrics, histogram, parseMetrics, total } from '../../bench/prometheus';
import { fromRoot } from '../../src/config/paths';

/** Histories recorded from the real workflows (test/fixtures/bench-histories, recorded by npm run record-histories from an earlier build). */
const load = (name: string) =>
  historyFromJSON(JSON.parse(readFileSync(fromRoot('test', 'fixtures', 'bench-histories', name), 'utf8'))).events ?? [];

const near = (actual: number | undefined, expected: number): void =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-3, `${actual} != ${expected}`);

describe('the cycle bench breakdown, read from recorded histories', () => {
  it('splits a scrape child into its workflow tasks and activities, to the nanosecond the server wrote', () => {
    const { steps, events, markers } = childSteps(load('scrape-event-before-renames.json'));
    const ms = (step: string): number[] => steps.filter((s) => s.step === step).map((s) => s.ms);
    assert.equal(events, 31);
    assert.equal(markers, 8);
    // Events 2 -> 3: 18.658975018 -> 18.694400856.
    near(ms('workflow task 1 schedule-to-start')[0], 35.425838);
    // Events 3 -> 4: 18.694400856 -> 18.832497698.
    near(ms('workflow task 1 start-to-close')[0], 138.096842);
    // Four fetches; the Vivid Seats one (scheduled 8, started 24, completed 25) waited in its queue.
    assert.equal(ms('activity fetchListings schedule-to-start').length, 4);
    near(Math.max(...ms('activity fetchListings schedule-to-start')), 1864.794436 - 834.110828);
    near(ms('activity fetchListings start-to-close').at(-1), 1888.208325 - 1864.794436);
    assert.equal(ms('workflow task 3 start-to-close').length, 1);
  });

  it("pairs each child with the parent's initiated, started and completed events", () => {
    const parent = parentSpans(load('tracker-loop-cycle-1-before-renames.json'));
    const one = parent.children.find((c) => c.workflowId.startsWith('scrape/1/'));
    assert.equal(parent.children.length, 2);
    near(one?.initiatedMs, Date.UTC(2026, 10, 22, 0, 13, 12) + 834.846235);
    near(one?.startedMs ?? undefined, Date.UTC(2026, 10, 22, 0, 13, 12) + 863.850694);
    near(one?.completedMs ?? undefined, Date.UTC(2026, 10, 22, 0, 13, 18) + 136.413789);
    assert.ok(parent.workflowTasks > 0 && parent.workflowTaskMs > 0);
  });

  it('means steps over children and measures a life from the parent', () => {
    const history = load('scrape-event-before-renames.json');
    const first = history[0]!;
    const startMs = Number(first.eventTime!.seconds) * 1000 + first.eventTime!.nanos! / 1e6;
    const span = { workflowId: 'x', initiatedMs: startMs - 10, startedMs: startMs + 1, completedMs: startMs + 2000 };
    const m = meanSteps([{ span, history }]);
    near(m.steps.find((s) => s.step.startsWith('child start'))?.ms, 10);
    near(m.childLifeMs, 2010);
    assert.equal(m.eventsPerChild, 31);
  });
});

describe('Prometheus readings of the bench', () => {
  // The shape of the Temporal SDK's exporter (Core, prometheus crate): a histogram with labels and a counter.
  const page = (n: number, sum: number): string =>
    [
      '# HELP temporal_activity_execution_latency Histogram of activity execution latencies',
      '# TYPE temporal_activity_execution_latency histogram',
      `temporal_activity_execution_latency_bucket{activity_type="fetchListings",task_queue="q-vividseats",le="50"} ${n}`,
      `temporal_activity_execution_latency_bucket{activity_type="fetchListings",task_queue="q-vividseats",le="+Inf"} ${n}`,
      `temporal_activity_execution_latency_sum{activity_type="fetchListings",task_queue="q-vividseats"} ${sum}`,
      `temporal_activity_execution_latency_count{activity_type="fetchListings",task_queue="q-vividseats"} ${n}`,
      '# HELP temporal_request Count of client request successes by rpc name',
      '# TYPE temporal_request counter',
      `temporal_request{operation="RespondActivityTaskCompleted"} ${n}`,
      '',
    ].join('\n');

  it('differences two readings per series and sums them by name and labels', () => {
    const d = deltaMetrics(parseMetrics(page(10, 200)), parseMetrics(page(25, 650)));
    assert.deepEqual(histogram(d, 'temporal_activity_execution_latency', { activity_type: 'fetchListings' }), { count: 15, sum: 450 });
    assert.deepEqual(histogram(d, 'temporal_activity_execution_latency', { activity_type: 'other' }), { count: 0, sum: 0 });
    assert.equal(total(d, 'temporal_request', { operation: 'RespondActivityTaskCompleted' }), 15);
    assert.equal(total(d, 'temporal_request', { operation: 'PollActivityTaskQueue' }), 0);
  });

  it('reads escaped label values, and names the line that is not a sample', () => {
    assert.deepEqual(parseMetrics('m{q="a \\"b\\"\\\\c",r="x"} 2.5e3 1700000000000\n')[0], {
      name: 'm',
      labels: { q: 'a "b"\\c', r: 'x' },
      value: 2500,
    });
    assert.throws(() => parseMetrics('# TYPE odd summary\nodd{quantile="0.5"} x\n'), /line 2 .*odd/);
  });
});
