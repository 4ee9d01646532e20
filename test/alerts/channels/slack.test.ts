import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { slackChannel } from '../../../src/alerts/channels/slack/channel';
import { post } from '../../../src/alerts/transport';
import { renderSlack, SLACK_LIMITS, type SlackBlock, type SlackWebhookBody } from '../../../src/alerts/channels/slack/render';
import type { AlertMessage } from '../../../src/alerts/message';
import { sampleAlert } from '../../../src/alerts/sample';
import { slackBodyError, startSlackReceiver, type SlackReceiver } from '../../helpers/alert-receivers';

const NOW = new Date('2027-04-30T18:00:00.000Z');
const alert = (overrides: Partial<AlertMessage> = {}): AlertMessage => ({ ...sampleAlert(NOW), ...overrides });

function blocksOf(body: SlackWebhookBody, type: SlackBlock['type']): SlackBlock[] {
  return body.blocks.filter((b) => b.type === type);
}

describe('Slack channel: the Block Kit message', () => {
  it('has a header, the text, fields for event, zone, marketplace and prices, a context line and a link button', () => {
    const body = renderSlack(alert());
    assert.equal(slackBodyError(body), undefined);
    assert.deepEqual(
      body.blocks.map((b) => b.type),
      ['header', 'section', 'section', 'context', 'actions'],
    );
    const header = blocksOf(body, 'header')[0] as Extract<SlackBlock, { type: 'header' }>;
    assert.equal(header.text.text, 'Test alert: price drop for Rock & Roll <Revival> Tour, Floor on StubHub', 'plain_text is not escaped');
    const fields = (body.blocks[2] as Extract<SlackBlock, { type: 'section' }>).fields!.map((f) => f.text);
    assert.ok(fields.includes('*Event*\nRock &amp; Roll &lt;Revival&gt; Tour'), fields.join(' | '));
    assert.ok(fields.includes('*Zone*\nFloor'));
    assert.ok(fields.includes('*Previous price*\n$220.00'));
    assert.ok(fields.includes('*Price*\n$180.00'));
    assert.ok(fields.includes('*Change*\n-18.2 %'));
    const button = (blocksOf(body, 'actions')[0] as Extract<SlackBlock, { type: 'actions' }>).elements[0]!;
    assert.equal(button.url, 'https://www.stubhub.com/event/150000000');
    assert.match(body.text, /^Test alert: price drop for Rock &amp; Roll &lt;Revival&gt; Tour/, 'fallback text escaped');
  });

  it('keeps the Block Kit limits whatever the lengths (header 150, section 3000, 10 fields of 2000)', () => {
    const long = 'y'.repeat(5000);
    const body = renderSlack(
      alert({
        title: long,
        text: `<${long}>`,
        zone: long,
        condition: long,
        event: { id: 1, name: long, startsAt: null, venue: long, url: null },
      }),
    );
    assert.equal(slackBodyError(body), undefined);
    const header = body.blocks[0] as Extract<SlackBlock, { type: 'header' }>;
    assert.ok(header.text.text.length <= SLACK_LIMITS.headerText);
    assert.equal(blocksOf(body, 'actions').length, 0, 'no event page, no button');
    assert.ok(body.text.length <= SLACK_LIMITS.fallbackText);
  });

  it('an operator alert is a header, its text and the context line', () => {
    const body = renderSlack({
      kind: 'operator',
      severity: 'warning',
      title: 'high error rate',
      text: '12 errors > 10',
      dedupeKey: 'error-rate/1',
    });
    assert.equal(slackBodyError(body), undefined);
    assert.deepEqual(
      body.blocks.map((b) => b.type),
      ['header', 'section', 'context'],
    );
    assert.equal((body.blocks[1] as Extract<SlackBlock, { type: 'section' }>).text!.text, '12 errors &gt; 10');
  });
});

describe('Slack channel against a local Slack incoming webhook', () => {
  let slack: SlackReceiver;
  before(async () => {
    slack = await startSlackReceiver();
  });
  after(async () => {
    await slack.close();
  });
  const channel = (url = slack.url, timeoutMs = 5000) => slackChannel({ url, timeoutMs, now: () => NOW, post });

  it('is delivered: 200 ok', async () => {
    const outcome = await channel().send(alert());
    assert.deepEqual(outcome, { status: 'delivered', httpStatus: 200, response: 'ok' });
    assert.equal(slack.accepted().length, 1);
  });

  it("honours 429's Retry-After: retry with retryAfterMs, then delivered once the limit passed", async () => {
    slack.rateLimitFor(1);
    const first = await channel().send(alert());
    assert.equal(first.status, 'retry');
    assert.equal(first.status === 'retry' ? first.retryAfterMs : undefined, 1000);
    await new Promise((r) => setTimeout(r, 1050));
    assert.equal((await channel().send(alert())).status, 'delivered');
  });

  it("404 no_service (revoked hook) and 410 channel_is_archived are permanent and name Slack's code", async () => {
    const revoked = await channel(slack.unknownHookUrl).send(alert());
    assert.equal(revoked.status, 'permanent');
    assert.match(revoked.status === 'permanent' ? revoked.reason : '', /Slack answered 404 .*: no_service$/);
    slack.archive();
    const archived = await channel().send(alert());
    assert.equal(archived.status, 'permanent');
    assert.equal(archived.httpStatus, 410);
    assert.match(archived.status === 'permanent' ? archived.reason : '', /channel_is_archived/);
  });

  it('403 action_prohibited and 400 invalid_blocks are permanent; 500 rollup_error is retried', async () => {
    const fresh = await startSlackReceiver();
    try {
      const c = channel(fresh.url);
      fresh.queue(
        { status: 403, body: 'action_prohibited' },
        { status: 400, body: 'invalid_blocks' },
        { status: 500, body: 'rollup_error' },
      );
      const outcomes = [await c.send(alert()), await c.send(alert()), await c.send(alert())];
      assert.deepEqual(
        outcomes.map((o) => [o.status, o.httpStatus]),
        [
          ['permanent', 403],
          ['permanent', 400],
          ['retry', 500],
        ],
      );
      assert.match(outcomes[1]!.status === 'permanent' ? outcomes[1]!.reason : '', /invalid_blocks/);
    } finally {
      await fresh.close();
    }
  });

  it('the local Slack refuses what the real one refuses (the check is not a rubber stamp)', () => {
    const good = renderSlack(alert());
    assert.equal(slackBodyError({ ...good, blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] }), 'invalid_blocks');
    assert.equal(
      slackBodyError({ ...good, blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }),
      'invalid_blocks',
    );
    assert.equal(
      slackBodyError({ ...good, blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }] }),
      'invalid_blocks',
    );
    assert.equal(slackBodyError({ blocks: undefined, text: '' }), 'no_text');
  });

  it('a slow answer past the timeout is a retry', async () => {
    const fresh = await startSlackReceiver();
    try {
      fresh.queue({ status: 200, body: 'ok', delayMs: 3000 });
      const outcome = await channel(fresh.url, 300).send(alert());
      assert.equal(outcome.status, 'retry');
      assert.match(outcome.status === 'retry' ? outcome.reason : '', /Slack: no answer within 300 ms/);
    } finally {
      await fresh.close();
    }
  });
});
