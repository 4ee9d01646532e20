import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { latestPrices } from '../../src/db/analytics/latest';
import type { TrackerStatus } from '../../src/domain/tracker';
import { EVENTS_HEADER, startTrackerStack, waitFor, writeEventsFile, type TrackerStack } from '../helpers/stack';
import { startDevServerEnv } from '../helpers/temporal';
import { trackerLoop } from '../../src/workflows/index';
import { scrapeNowSignal, statusQuery } from '../../src/workflows/definitions';

const CATALOG = [
  EVENTS_HEADER,
  'Alpha Tour,Arena One,Chicago,IL,US,2027-05-01 20:00,America/Chicago,700101,800101,900101,TMALPHA11,TRUE',
  'Beta Live,Arena Two,Denver,CO,US,2027-05-02 20:00,America/Denver,700102,800102,900102,TMBETA012,TRUE',
  'Gamma Night,Arena Three,Austin,TX,US,2027-05-03 20:00,America/Chicago,700103,800103,900103,TMGAMMA13,TRUE',
].join('\n');

/** A generic JSON webhook on loopback: the operator alert path's real receiver in this test. */
async function startWebhook(): Promise<{
  url: string;
  received: { title: string; text: string; severity: string }[];
  close(): Promise<void>;
}> {
  const received: { title: string; text: string; severity: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { title: string; text: string; severity: string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Scrapes that cannot lie: a cycle over the mock with the "format-drift" fault records a failure
 * of that kind and raises one operator alert per marketplace per hour; with "empty" after a scrape
 * with many listings, the scrape is marked in cycles, errors and prices.
 */
describe('scrape health in a cycle (format drift, empty)', () => {
  let temporal: TestWorkflowEnvironment;
  let stack: TrackerStack;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  before(async () => {
    temporal = await startDevServerEnv();
    webhook = await startWebhook();
    stack = await startTrackerStack(temporal, {
      eventsFile: writeEventsFile(CATALOG),
      marketplaces: ['vividseats'],
      env: { ALERT_WEBHOOK_URL: webhook.url, SCRAPE_EMPTY_AFTER_LISTINGS: '1' },
    });
  });
  after(async () => {
    await stack?.close();
    await webhook?.close();
    await temporal?.teardown();
  });

  it('format drift fails the scrape with its kind and one alert per marketplace per hour; empty marks the scrape', async () => {
    const db = stack.database.db;
    // Alpha's and Beta's Vivid Seats payloads lose a field every ticket needs; Gamma's is fine.
    stack.mock.setFault({ marketplace: 'vividseats', eventId: '800101', fault: { kind: 'format-drift' } });
    stack.mock.setFault({ marketplace: 'vividseats', eventId: '800102', fault: { kind: 'format-drift' } });

    await stack.withWorkers(async () => {
      const handle = await temporal.client.workflow.start(trackerLoop, {
        taskQueue: stack.taskQueue,
        workflowId: `tracker-health-${stack.taskQueue}`,
        args: [{ settings: { intervalHours: 12, randomization: 'uniform', fanout: 3 } }],
      });
      const cycle = async (n: number): Promise<NonNullable<TrackerStatus['lastCycle']>> =>
        (
          await waitFor(
            `cycle ${n}`,
            async () => {
              const s = await handle.query(statusQuery);
              return s.cycle >= n && s.phase === 'sleeping' ? s : undefined;
            },
            120_000,
          )
        ).lastCycle!;

      const first = await cycle(1);
      assert.equal(first.marketplacesFailed, 2);
      assert.equal(first.marketplacesDrifted, 2);
      assert.equal(first.marketplacesOk, 1);

      const scrapes = await db.query<{
        name: string;
        health: string;
        health_reason: string | null;
        items_in_payload: number;
        listings_stored: number;
        skipped_by_reason: { kind: string; count: number }[];
      }>(
        `SELECT e.name, s.health, s.health_reason, s.items_in_payload, s.listings_stored, s.skipped_by_reason FROM scrapes s JOIN events e ON e.id = s.event_id ORDER BY 1`,
      );
      const alpha = scrapes.rows.find((r) => r.name === 'Alpha Tour')!;
      assert.equal(alpha.health, 'format-drift');
      assert.equal(alpha.listings_stored, 0);
      assert.ok(alpha.items_in_payload > 0);
      assert.deepEqual(
        alpha.skipped_by_reason.map((k) => [k.kind.split(':')[0], k.count]),
        [['tickets[].p', alpha.items_in_payload]],
      );
      assert.match(alpha.health_reason!, /format drift: \d+ of \d+ items skipped/);
      assert.equal(scrapes.rows.find((r) => r.name === 'Gamma Night')!.health, 'ok');

      // Recorded as errors (counted in the error rate), with examples naming the field path.
      const errors = await db.query<{ name: string; message: string }>(
        `SELECT e.name, x.message FROM scrape_errors x JOIN events e ON e.id = x.event_id ORDER BY 1`,
      );
      assert.deepEqual(
        errors.rows.map((r) => r.name),
        ['Alpha Tour', 'Beta Live'],
        'a drifted scrape is not retried',
      );
      for (const r of errors.rows) assert.match(r.message, /format drift: .*e\.g\. tickets\[0\]\.p/);

      // One operator alert for the marketplace in the hour, through the webhook.
      const alerts = await db.query<{ marketplace: string; dedupe_key: string }>(
        `SELECT marketplace, dedupe_key FROM alerts WHERE kind = 'operator_format_drift'`,
      );
      assert.equal(alerts.rowCount, 1);
      assert.equal(alerts.rows[0]!.marketplace, 'vividseats');
      await waitFor('the webhook', async () => webhook.received.length > 0);
      assert.equal(webhook.received.length, 1);
      assert.match(webhook.received[0]!.title, /vividseats changed its format/);
      const run1 = await db.query<{ status: string }>(`SELECT status FROM cycles ORDER BY started_at`);
      assert.deepEqual(
        run1.rows.map((r) => r.status),
        ['partial'],
      );

      // Cycle 2: Gamma (which had listings) comes back empty; Alpha and Beta still drift.
      stack.mock.setFault({ marketplace: 'vividseats', eventId: '800103', fault: { kind: 'empty' } });
      await handle.signal(scrapeNowSignal);
      const second = await cycle(2);
      assert.equal(second.marketplacesEmpty, 1);
      assert.equal(second.marketplacesDrifted, 2);

      const gamma = await db.query<{ health: string; health_reason: string; listings_stored: number }>(
        `SELECT s.health, s.health_reason, s.listings_stored FROM scrapes s JOIN events e ON e.id = s.event_id
          WHERE e.name = 'Gamma Night' ORDER BY s.captured_at DESC LIMIT 1`,
      );
      assert.equal(gamma.rows[0]!.health, 'empty');
      assert.equal(gamma.rows[0]!.listings_stored, 0);
      assert.match(gamma.rows[0]!.health_reason, /0 listings where the previous scrape stored \d+/);
      // cycles: the cycle is not a plain success; errors: the empty scrape is listed; prices: marked.
      const runs = await db.query<{ status: string; details: { marketplacesEmpty?: number } }>(
        `SELECT status, details FROM cycles ORDER BY started_at`,
      );
      assert.deepEqual(
        runs.rows.map((r) => [r.status, r.details.marketplacesEmpty]),
        [
          ['partial', 0],
          ['partial', 1],
        ],
      );
      const emptyErrors = await db.query(
        `SELECT 1 FROM scrape_errors WHERE message LIKE '%empty scrape: 0 listings where the previous scrape stored%'`,
      );
      assert.equal(emptyErrors.rowCount, 1);
      const gammaId = await db.query<{ id: string }>(`SELECT id FROM events WHERE name = 'Gamma Night'`);
      const prices = await latestPrices(db, Number(gammaId.rows[0]!.id));
      assert.ok(prices.length > 0 && prices.every((p) => p.mark === 'empty'));

      // Still one alert per marketplace per hour in which drift failures happened.
      const hours = await db.query<{ n: number }>(
        `SELECT count(DISTINCT date_trunc('hour', occurred_at))::int AS n FROM scrape_errors WHERE message LIKE '%format drift%'`,
      );
      const alertsAfter = await db.query(`SELECT 1 FROM alerts WHERE kind = 'operator_format_drift'`);
      assert.equal(alertsAfter.rowCount, hours.rows[0]!.n);
      await handle.cancel();
    });
  });
});
