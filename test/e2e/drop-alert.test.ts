import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Context as ActivityContext } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { addRule, ruleInputOf } from '../../src/alerts/rules/store';
import { ruleSpecSchema } from '../../src/alerts/rules/types';
import { catalogReader } from '../../src/catalog/read/open-reader';
import { syncEvents } from '../../src/catalog/sync/index';
import type { ScrapeEventInput } from '../../src/domain/tracker';
import { deliverAlerts, scrapeEvent } from '../../src/workflows/index';
import { startDiscordReceiver, startSlackReceiver, startWebhookReceiver, type Receiver } from '../helpers/alert-receivers';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver';
import { EVENTS_HEADER, startTrackerStack, waitFor, writeEventsFile, type TrackerStack } from '../helpers/stack';
import { startDevServerEnv } from '../helpers/temporal';

const VS_ID = '810077';
const CATALOG = [EVENTS_HEADER, `Drop Night,Hall Nine,Austin,TX,US,2027-08-20 20:00,America/Chicago,,${VS_ID},,,TRUE`].join('\n');

/**
 * Every first attempt of the listed activities commits and then fails, as a worker lost right
 * after its commit: Temporal retries them, and nothing may be written or sent twice.
 */
function failAfterCommitOnFirstAttempt(types: string[], failures: string[]) {
  return (ctx: ActivityContext) => ({
    inbound: {
      async execute(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
        const result = await next(input as never);
        if (types.includes(ctx.info.activityType) && ctx.info.attempt === 1) {
          failures.push(ctx.info.activityType);
          throw new Error('worker lost after commit (test)');
        }
        return result;
      },
    },
  });
}

/**
 * The scrape results of the listed workflows lose their `evaluation`, as when the activity could
 * not evaluate the scrape itself: the workflow must then run the evaluateScrape local activity.
 */
function withoutEvaluationFor(workflowIdPrefix: string) {
  return (ctx: ActivityContext) => ({
    inbound: {
      async execute(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
        const result = await next(input as never);
        if (ctx.info.activityType !== 'scrape' || !ctx.info.workflowExecution?.workflowId.startsWith(workflowIdPrefix)) return result;
        const { evaluation, ...rest } = result as { evaluation?: unknown };
        assert.ok(evaluation, 'the scrape activity evaluated the scrape itself');
        return rest;
      },
    },
  });
}

/** Local activities a workflow ran, by type, from its history's markers (Core's `core_local_activity`). */
async function localActivitiesOf(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events
    .map((e) => e.markerRecordedEventAttributes)
    .filter((m) => m?.markerName === 'core_local_activity')
    .map((m) => {
      const data = m?.details?.data?.payloads?.[0]?.data;
      return data ? ((JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string }).activity_type ?? '?') : '?';
    });
}

/** Requests a receiver got for one alert (by its dedupe key in the body, whatever the format). */
const sentFor = (r: Receiver, key: string): number => r.received.filter((q) => q.rawBody.includes(key)).length;

describe('a price drop, end to end (mock marketplace -> scrape -> rule -> every channel, once)', () => {
  let temporal: TestWorkflowEnvironment;
  let stack: TrackerStack;
  let discord: Awaited<ReturnType<typeof startDiscordReceiver>>;
  let slack: Awaited<ReturnType<typeof startSlackReceiver>>;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: SmtpReceiver;
  let input: (cycleId: string) => ScrapeEventInput;

  before(async () => {
    [temporal, discord, slack, webhook, smtp] = await Promise.all([
      startDevServerEnv(),
      startDiscordReceiver(),
      startSlackReceiver(),
      startWebhookReceiver({ secret: 'e2e-secret' }),
      startSmtpReceiver(),
    ]);
    stack = await startTrackerStack(temporal, {
      eventsFile: writeEventsFile(CATALOG),
      marketplaces: ['vividseats'],
      env: {
        DISCORD_WEBHOOK_URL: discord.url,
        SLACK_WEBHOOK_URL: slack.url,
        ALERT_WEBHOOK_URL: webhook.url,
        ALERT_WEBHOOK_SECRET: 'e2e-secret',
        SMTP_URL: smtp.url,
        ALERT_EMAIL_TO: 'fan@example.com',
        ALERT_EMAIL_FROM: 'Ticket Tracker <alerts@example.com>',
      },
    });
    const db = stack.database.db;
    await syncEvents(db, catalogReader(stack.env));
    const id = Number((await db.query<{ id: string }>(`SELECT id FROM events WHERE name = 'Drop Night'`)).rows[0]!.id);
    input = (cycleId) => ({
      event: { id, name: 'Drop Night', startsAt: null, marketplaceIds: [{ marketplace: 'vividseats', marketplaceEventId: VS_ID }] },
      cycleId,
    });
    await addRule(
      db,
      ruleInputOf(
        ruleSpecSchema.parse({
          name: 'drop night -10%',
          event: String(id),
          marketplace: 'vividseats',
          condition: 'drop 10%',
          channels: 'discord,slack,webhook,email',
          cooldown: 'none',
        }),
        id,
      ),
    );
  });
  after(async () => {
    await stack?.close();
    await Promise.all([discord?.close(), slack?.close(), webhook?.close(), smtp?.close()]);
    await temporal?.teardown();
  });

  it('is detected in the next scrape and delivered once to each channel, through retries, re-runs and replay', async () => {
    const db = stack.database.db;
    const failures: string[] = [];
    const client = temporal.client.workflow;
    const q = stack.taskQueue;
    await stack.withWorkers(
      async () => {
        // 1. A first scrape: nothing to compare with, nothing fires. Its result comes without an
        //    evaluation (withoutEvaluationFor), so the workflow evaluates it in a local activity.
        const first = await client.execute(scrapeEvent, { taskQueue: q, workflowId: `e2e-1-${q}`, args: [input('e2e-1')] });
        assert.equal(first.outcomes[0]!.ok, true, JSON.stringify(first));
        assert.deepEqual(await localActivitiesOf(client.getHandle(`e2e-1-${q}`)), ['evaluateScrape']);
        const evaluated = await db.query(`SELECT 1 FROM scrape_evaluations WHERE scrape_key = $1`, [
          `e2e-1/${input('x').event.id}/vividseats`,
        ]);
        assert.equal(evaluated.rowCount, 1, 'the first scrape was evaluated');
        assert.deepEqual([...new Set(failures)].sort(), ['evaluateScrape', 'scrape'], 'both retried after their commit');
        failures.length = 0;

        // 2. The mock drops every Vivid Seats price of the event by 25 %; the next scrape sees it.
        const moved = await fetch(`${stack.mock.url}/__mock/events/${VS_ID}/prices`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ percent: -25, marketplace: 'vividseats' }),
        });
        assert.equal(moved.status, 201);
        const second = await client.execute(scrapeEvent, { taskQueue: q, workflowId: `e2e-2-${q}`, args: [input('e2e-2')] });
        assert.equal(second.outcomes[0]!.ok, true);
        assert.ok(second.outcomes[0]!.priceChangePercent! <= -24, `change ${second.outcomes[0]!.priceChangePercent}`);
        assert.deepEqual([...new Set(failures)], ['scrape'], 'retried after its commit');
        // The scrape activity evaluated the scrape in the same attempt (the retry's): no local activity.
        assert.deepEqual(await localActivitiesOf(client.getHandle(`e2e-2-${q}`)), []);

        const alerts = await db.query<{ id: string; dedupe_key: string; scrape_key: string }>(
          `SELECT id, dedupe_key, scrape_key FROM alerts WHERE rule_id IS NOT NULL`,
        );
        assert.equal(alerts.rowCount, 1, 'the rule fired once');
        const { id: alertId, dedupe_key: key, scrape_key: scrapeKey } = alerts.rows[0]!;
        assert.equal(scrapeKey, `e2e-2/${input('x').event.id}/vividseats`);

        await Promise.all([discord.waitForAccepted(1), slack.waitForAccepted(1), webhook.waitForAccepted(1)]);
        await waitFor('the e-mail', async () => smtp.messages.length >= 1, 10_000);
        const embed = (discord.accepted()[0]!.json as { embeds: { title: string }[] }).embeds[0]!;
        assert.match(embed.title, /Drop Night/);
        assert.equal(webhook.bodies()[0]!.dedupeKey, key);
        assert.match(smtp.messages[0]!.parsed.subject ?? '', /Drop Night/);

        // 3. The same scrape run again (a re-run cycle with the same id): same firing, no new delivery.
        const rerun = await client.execute(scrapeEvent, { taskQueue: q, workflowId: `e2e-2-again-${q}`, args: [input('e2e-2')] });
        assert.equal(rerun.outcomes[0]!.ok, true);
        const delivery = client.getHandle(`alert/${alertId}/${key}`);
        const delivered = (await delivery.result()) as Awaited<ReturnType<typeof deliverAlerts>>;
        assert.deepEqual(delivered.channels.map((c) => `${c.channel}:${c.outcome}`).sort(), [
          'discord:delivered',
          'email:delivered',
          'slack:delivered',
          'webhook:delivered',
        ]);
        // Nothing can send later: the one delivery workflow has completed (above), and the re-run
        // started none of its own (the delivery's id is REJECT_DUPLICATE): its history, complete
        // since the re-run returned, holds no started child. So the counts below are final.
        const rerunEvents = (await client.getHandle(`e2e-2-again-${q}`).fetchHistory()).events ?? [];
        assert.ok(
          rerunEvents.some((e) => e.workflowExecutionCompletedEventAttributes),
          'the re-run completed',
        );
        assert.equal(rerunEvents.filter((e) => e.childWorkflowExecutionStartedEventAttributes).length, 0, 'the re-run started no delivery');
        const firstEvents = (await client.getHandle(`e2e-2-${q}`).fetchHistory()).events ?? [];
        assert.equal(
          firstEvents.filter((e) => e.childWorkflowExecutionStartedEventAttributes).length,
          1,
          'the scrape started one delivery',
        );
        assert.equal(sentFor(discord, 'Drop Night'), 1);
        assert.equal(slack.received.length, 1);
        assert.equal(webhook.received.length, 1);
        assert.equal(smtp.messages.length, 1);
        assert.equal((await db.query(`SELECT 1 FROM alerts WHERE rule_id IS NOT NULL`)).rowCount, 1);

        // 4. The notification log: one delivered attempt per channel.
        const log = await db.query<{ channel: string; outcome: string }>(
          `SELECT channel, outcome FROM alert_deliveries WHERE alert_id = $1 ORDER BY channel`,
          [alertId],
        );
        assert.deepEqual(
          log.rows.map((r) => `${r.channel}:${r.outcome}`),
          ['discord:delivered', 'email:delivered', 'slack:delivered', 'webhook:delivered'],
        );

        // 5. Replaying the scrape's and the delivery's histories gives the same commands (and sends nothing).
        for (const id of [`e2e-2-${q}`, `alert/${alertId}/${key}`]) {
          const history = await client.getHandle(id).fetchHistory();
          await Worker.runReplayHistory({ workflowsPath: require.resolve('../../src/workflows') }, history, id);
        }
        assert.equal(webhook.received.length, 1);
      },
      { activityInterceptors: [failAfterCommitOnFirstAttempt(['scrape', 'evaluateScrape'], failures), withoutEvaluationFor('e2e-1-')] },
    );
  });

  it("honours a channel's 429 retry_after, and a refusing channel is marked broken and the operator told once", async () => {
    const db = stack.database.db;
    const client = temporal.client.workflow;
    const q = stack.taskQueue;
    // Slack answers 429 (Retry-After 1 s) to the next two posts (the operator's notice may take
    // one); the webhook's receiver refuses the next post with 403 for good.
    const limited = { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' };
    slack.queue(limited, limited);
    webhook.queue({ status: 403, body: { error: 'forbidden' } });
    const before = { slack: slack.accepted().length, discord: discord.accepted().length };
    await stack.withWorkers(async () => {
      await client.execute(scrapeEvent, { taskQueue: q, workflowId: `e2e-3-${q}`, args: [input('e2e-3')] }); // flat: re-arms
      stack.mock.movePrices(VS_ID, { percent: -50, marketplace: 'vividseats' });
      await client.execute(scrapeEvent, { taskQueue: q, workflowId: `e2e-4-${q}`, args: [input('e2e-4')] });
      const alert = await waitFor('the second firing', async () => {
        const r = await db.query<{ id: string; dedupe_key: string }>(
          `SELECT id, dedupe_key FROM alerts WHERE rule_id IS NOT NULL AND scrape_key LIKE 'e2e-4/%'`,
        );
        return r.rows[0];
      });
      const result = (await client.getHandle(`alert/${alert.id}/${alert.dedupe_key}`).result()) as Awaited<
        ReturnType<typeof deliverAlerts>
      >;
      const byChannel = Object.fromEntries(result.channels.map((c) => [c.channel, c.outcome]));
      assert.deepEqual(byChannel, { discord: 'delivered', slack: 'delivered', webhook: 'failed', email: 'delivered' });
      const log = await db.query<{ channel: string; attempt: number; outcome: string }>(
        `SELECT channel, attempt, outcome FROM alert_deliveries WHERE alert_id = $1 AND channel IN ('slack', 'webhook') ORDER BY channel, attempt`,
        [alert.id],
      );
      const slackLog = log.rows.filter((r) => r.channel === 'slack').map((r) => `${r.attempt}:${r.outcome}`);
      assert.ok(slackLog.length >= 2 && slackLog[0] === '1:retry', slackLog.join(' '));
      assert.equal(slackLog.at(-1), `${slackLog.length}:delivered`);
      assert.deepEqual(
        log.rows.filter((r) => r.channel === 'webhook').map((r) => `${r.attempt}:${r.outcome}`),
        ['1:permanent'],
      );
      const broken = await db.query<{ channel: string }>(`SELECT channel FROM broken_channels`);
      assert.deepEqual(
        broken.rows.map((r) => r.channel),
        ['webhook'],
      );
      // The operator heard of it once, on the other channels (Discord got the price alert and the notice).
      await discord.waitForAccepted(before.discord + 2);
      assert.ok(discord.accepted().some((r) => r.rawBody.includes('webhook') && /broken/i.test(r.rawBody)));
      const operator = await db.query<{ id: string; dedupe_key: string }>(
        `SELECT id, dedupe_key FROM alerts WHERE kind = 'operator_channel_broken'`,
      );
      assert.equal(operator.rowCount, 1);
      // The notice is delivered like every alert, by its own deliverAlerts child with retries: the
      // 429 Slack gave it is retried, not lost (issue 14: it was sent once, inline).
      const op = operator.rows[0]!;
      const notice = (await client.getHandle(`alert/${op.id}/${op.dedupe_key}`).result()) as Awaited<ReturnType<typeof deliverAlerts>>;
      assert.deepEqual(Object.fromEntries(notice.channels.map((c) => [c.channel, c.outcome])), {
        discord: 'delivered',
        slack: 'delivered',
        email: 'delivered',
      });
      // The price alert's delivery (which started the notice's) replays.
      const id = `alert/${alert.id}/${alert.dedupe_key}`;
      await Worker.runReplayHistory(
        { workflowsPath: require.resolve('../../src/workflows') },
        await client.getHandle(id).fetchHistory(),
        id,
      );
    });
    assert.ok(slack.accepted().length >= before.slack + 1);
  });
});
