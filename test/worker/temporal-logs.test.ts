import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { createLogger } from '../../src/logging/logger';
import { activityFailureLogger, sdkLogRecord } from '../../src/worker/temporal-logs';

const entry = (level: LogEntry['level'], message: string, meta: Record<string, unknown>): LogEntry => ({
  level,
  message,
  meta,
  timestampNanos: 0n,
});
/** The SDK's own lines of the mock environment, not under test here. */
const sdkQuiet = new DefaultLogger('ERROR');
const marketplaceQueues = new Set(['ticket-tracker-stubhub', 'ticket-tracker-seatgeek']);

describe('the SDK log lines npm start prints', () => {
  it('"No workflows registered" from a marketplace queue (activities only by design) is debug', () => {
    const r = sdkLogRecord(
      entry('WARN', 'No workflows registered, not polling for workflow tasks', {
        sdkComponent: 'worker',
        taskQueue: 'ticket-tracker-stubhub',
      }),
      marketplaceQueues,
    );
    assert.equal(r.level, 'debug');
  });

  it('"No workflows registered" from any other queue stays a warning (a real misconfiguration)', () => {
    const r = sdkLogRecord(
      entry('WARN', 'No workflows registered, not polling for workflow tasks', { sdkComponent: 'worker', taskQueue: 'ticket-tracker' }),
      marketplaceQueues,
    );
    assert.equal(r.level, 'warn');
  });

  it('an error in an entry becomes its type and message on one line', () => {
    const failure = ApplicationFailure.create({ message: 'upstream said\n503 Service Unavailable', type: 'MarketplaceUnavailable' });
    const r = sdkLogRecord(entry('ERROR', 'Workflow task failed', { error: failure, workflowId: 'w' }));
    assert.equal(r.level, 'error');
    assert.equal(r.fields.error, 'MarketplaceUnavailable: upstream said 503 Service Unavailable');
  });

  it('"Activity failed" is left to the failure interceptor, which names the event and marketplace', () => {
    const r = sdkLogRecord(entry('WARN', 'Activity failed', { error: new Error('x'), activityType: 'scrape' }));
    assert.equal(r.level, 'debug');
  });
});

describe('a failed activity attempt in the log', () => {
  it('is one line naming the activity, event, marketplace and attempt, with the failure message', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', {}, (line) => lines.push(line));
    const env = new MockActivityEnvironment(
      { activityType: 'scrape', attempt: 3, taskQueue: 'ticket-tracker-stubhub' },
      { interceptors: [activityFailureLogger(logger)], logger: sdkQuiet },
    );
    const input = { scrapeId: 'tracker/1/12/stubhub', eventId: 12, marketplace: 'stubhub', marketplaceEventId: '104823456' };
    await assert.rejects(
      env.run(async (_: typeof input) => {
        throw ApplicationFailure.create({ message: 'HTTP 503 from StubHub,\nretry after 1 s', type: 'MarketplaceUnavailable' });
      }, input),
    );
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]!.includes('\n'));
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(
      record.msg,
      'scrape failed for event 12 on stubhub (id 104823456), attempt 3: MarketplaceUnavailable: HTTP 503 from StubHub, retry after 1 s',
    );
    assert.equal(record.eventId, 12);
    assert.equal(record.marketplace, 'stubhub');
    assert.equal(record.taskQueue, 'ticket-tracker-stubhub');
  });

  it('says nothing when the attempt succeeds', async () => {
    const lines: string[] = [];
    const env = new MockActivityEnvironment(
      {},
      { interceptors: [activityFailureLogger(createLogger('info', {}, (line) => lines.push(line)))], logger: sdkQuiet },
    );
    assert.equal(await env.run(async (n: number) => n + 1, 1), 2);
    assert.deepEqual(lines, []);
    // The same interceptor and logger do speak when an attempt fails: the silence above is the success's.
    await assert.rejects(env.run(async () => Promise.reject(new Error('boom'))));
    assert.equal(lines.length, 1, 'one line for the failed attempt');
    assert.match(lines[0]!, /boom/);
  });
});
