import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { discordChannel } from '../../../src/alerts/channels/discord/channel';
import { post } from '../../../src/alerts/transport';
import { DISCORD_LIMITS, embedCharacters, renderDiscord, type DiscordWebhookBody } from '../../../src/alerts/channels/discord/render';
import type { AlertMessage } from '../../../src/alerts/message';
import { sampleAlert } from '../../../src/alerts/sample';
import { discordBodyErrors, startDiscordReceiver, type DiscordReceiver } from '../../helpers/alert-receivers';

const NOW = new Date('2027-04-30T18:00:00.000Z');

function priceAlert(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return { ...sampleAlert(NOW), dedupeKey: 'rule-3/scrape-77/stubhub/Floor/2', ...overrides };
}

describe('Discord channel: the embed', () => {
  it('shows event (linked), zone, marketplace, old and new price, percent, with the event page as the embed url', () => {
    const body = renderDiscord(priceAlert(), NOW);
    assert.deepEqual(discordBodyErrors(body), {});
    const embed = body.embeds[0]!;
    assert.equal(embed.url, 'https://www.stubhub.com/event/150000000');
    assert.equal(embed.timestamp, NOW.toISOString());
    assert.equal(embed.color, 0x57f287, 'a drop is green');
    const fields = Object.fromEntries(embed.fields.map((f) => [f.name, f.value]));
    assert.equal(fields.Event, '[Rock & Roll <Revival> Tour](https://www.stubhub.com/event/150000000)');
    assert.equal(fields.Zone, 'Floor');
    assert.equal(fields.Marketplace, 'stubhub');
    assert.equal(fields['Previous price'], '$220.00');
    assert.equal(fields.Price, '$180.00');
    assert.equal(fields.Change, '-18.2 %');
    assert.equal(fields.Tickets, '2 tickets together');
    assert.match(body.content, /price drop for Rock & Roll <Revival> Tour/);
    assert.deepEqual(body.allowed_mentions, { parse: [] }, 'an event called "@everyone" pings no one');
  });

  it('keeps every documented limit whatever the lengths (2000 content, 256 title, 4096 description, 1024 field, 6000 in all)', () => {
    const long = 'x'.repeat(10_000);
    const body = renderDiscord(
      priceAlert({
        title: `${long}\n${long}`,
        text: long,
        event: { id: 1, name: long, startsAt: null, venue: long, url: null },
        zone: long,
        condition: long,
      }),
      NOW,
    );
    assert.deepEqual(discordBodyErrors(body), {});
    const embed = body.embeds[0]!;
    assert.ok(body.content.length <= DISCORD_LIMITS.content);
    assert.ok(embed.title.length <= DISCORD_LIMITS.title && embed.title.endsWith('…'));
    assert.ok(embed.fields.every((f) => f.value.length <= DISCORD_LIMITS.fieldValue));
    assert.ok(embedCharacters(embed) <= DISCORD_LIMITS.total, `total ${embedCharacters(embed)}`);
    assert.equal(embed.url, undefined, 'no event page, no url');
  });

  it('the local Discord refuses what the real one refuses (the check is not a rubber stamp)', () => {
    const good = renderDiscord(priceAlert(), NOW);
    const embed = good.embeds[0]!;
    assert.deepEqual(discordBodyErrors({ ...good, content: 'c'.repeat(2001) }), {
      content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
    });
    const overField = { ...good, embeds: [{ ...embed, fields: [...embed.fields, { name: 'x', value: 'v'.repeat(1025), inline: true }] }] };
    assert.deepEqual(Object.keys(discordBodyErrors(overField)), ['embeds']);
    assert.match(
      JSON.stringify(discordBodyErrors(overField)),
      /"fields":\{"11":\{"value":\{"_errors":\[\{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 1024 or fewer in length."/,
    );
    const tooMany = {
      ...good,
      embeds: [{ ...embed, fields: Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: 'v', inline: true })) }],
    };
    assert.match(JSON.stringify(discordBodyErrors(tooMany)), /Must be 25 or fewer in length/);
    const total = {
      ...good,
      embeds: [
        {
          ...embed,
          description: 'd'.repeat(4096),
          fields: Array.from({ length: 2 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(1024), inline: true })),
        },
      ],
    };
    assert.match(JSON.stringify(discordBodyErrors(total)), /Embed size exceeds maximum size of 6000/);
    assert.match(JSON.stringify(discordBodyErrors({ content: '  ' })), /Cannot send an empty message/);
  });

  it('never cuts a character in half (emoji at the limit)', () => {
    const body = renderDiscord(priceAlert({ title: `${'a'.repeat(254)}🎫🎫` }), NOW);
    const title = body.embeds[0]!.title;
    assert.ok(title.length <= 256);
    assert.doesNotMatch(title, /[\ud800-\udbff](?![\udc00-\udfff])/, 'no lone high surrogate');
  });

  it('colours operator alerts by severity and leaves price fields out', () => {
    const body: DiscordWebhookBody = renderDiscord(
      { kind: 'operator', severity: 'critical', title: 'stubhub changed its format', text: 'details', dedupeKey: 'k' },
      NOW,
    );
    assert.equal(body.embeds[0]!.color, 0xed4245);
    assert.deepEqual(body.embeds[0]!.fields, []);
    assert.equal(body.content, '[CRITICAL] stubhub changed its format');
  });
});

describe('Discord channel against a local Discord', () => {
  let discord: DiscordReceiver;
  before(async () => {
    discord = await startDiscordReceiver();
  });
  after(async () => {
    await discord.close();
  });
  const channel = (url = discord.url, timeoutMs = 5000) => discordChannel({ url, timeoutMs, now: () => NOW, post });

  it('is delivered: Discord accepts the body and sends back the message (wait=true)', async () => {
    const outcome = await channel().send(priceAlert());
    assert.equal(outcome.status, 'delivered', JSON.stringify(outcome));
    assert.equal(outcome.httpStatus, 200);
    assert.match(outcome.status === 'delivered' ? outcome.response : '', /^message \d+$/);
    const got = discord.received.at(-1)!;
    assert.equal(got.query.get('wait'), 'true');
    assert.equal((got.json as DiscordWebhookBody).embeds[0]!.title, priceAlert().title);
  });

  it('keeps a thread_id already in the URL', async () => {
    const outcome = await channel(`${discord.url}?thread_id=42`).send(priceAlert());
    assert.equal(outcome.status, 'delivered');
    assert.equal(discord.received.at(-1)!.query.get('thread_id'), '42');
  });

  it("honours 429's retry_after: retry with retryAfterMs, still limited before it, delivered after", async () => {
    discord.rateLimitFor(0.4);
    const first = await channel().send(priceAlert());
    assert.equal(first.status, 'retry');
    assert.equal(first.httpStatus, 429);
    const wait = first.status === 'retry' ? first.retryAfterMs : undefined;
    assert.ok(wait !== undefined && wait > 0 && wait <= 400, `retryAfterMs ${wait}`);
    assert.match(first.status === 'retry' ? first.reason : '', /rate limited/);
    // Still limited before it: a send at once is refused again, with what is left of the wait.
    const early = await channel().send(priceAlert());
    assert.equal(early.status, 'retry', JSON.stringify(early));
    assert.equal(early.httpStatus, 429);
    const left = early.status === 'retry' ? early.retryAfterMs : undefined;
    assert.ok(left !== undefined && left > 0 && left <= wait, `retryAfterMs ${left} of ${wait}`);
    await new Promise((r) => setTimeout(r, wait + 50));
    const second = await channel().send(priceAlert());
    assert.equal(second.status, 'delivered', JSON.stringify(second));
  });

  it('takes the wait from the headers when the 429 body is not JSON (a proxy in front)', async () => {
    discord.queue({ status: 429, headers: { 'retry-after': '3', 'content-type': 'text/plain' }, body: 'Too Many Requests' });
    const outcome = await channel().send(priceAlert());
    assert.deepEqual(outcome.status === 'retry' ? outcome.retryAfterMs : undefined, 3000);
  });

  it("401 Invalid Webhook Token and 404 Unknown Webhook are permanent, with Discord's message and no token in the reason", async () => {
    const wrong = await channel(discord.wrongTokenUrl).send(priceAlert());
    assert.equal(wrong.status, 'permanent');
    assert.equal(wrong.httpStatus, 401);
    assert.match(wrong.status === 'permanent' ? wrong.reason : '', /Invalid Webhook Token \(50027\)/);
    const unknown = await channel(discord.unknownWebhookUrl).send(priceAlert());
    assert.equal(unknown.status, 'permanent');
    assert.match(unknown.status === 'permanent' ? unknown.reason : '', /404.*Unknown Webhook \(10015\)/);
    assert.ok(!JSON.stringify([wrong, unknown]).includes(new URL(discord.url).pathname.split('/').at(-1)!), 'token not in outcomes');
  });

  it('400 Invalid Form Body is permanent and names the field paths (a real Discord answer)', async () => {
    // Body as published in github.com/abahmed/kwatch/issues/194 (a field value over 1024 characters).
    discord.queue({
      status: 400,
      body: {
        code: 50035,
        errors: {
          embeds: {
            '0': {
              fields: { '6': { value: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 1024 or fewer in length.' }] } } },
            },
          },
        },
        message: 'Invalid Form Body',
      },
    });
    const outcome = await channel().send(priceAlert());
    assert.equal(outcome.status, 'permanent');
    assert.equal(
      outcome.status === 'permanent' ? outcome.reason : '',
      'Discord answered 400: Invalid Form Body (50035): embeds.0.fields.6.value: Must be 1024 or fewer in length.',
    );
  });

  it('5xx is retried; a 403 is permanent', async () => {
    discord.queue({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>502 Bad Gateway</html>' });
    const bad = await channel().send(priceAlert());
    assert.equal(bad.status, 'retry');
    assert.equal(bad.httpStatus, 502);
    discord.queue({ status: 403, body: { message: 'Missing Access', code: 50001 } });
    const refused = await channel().send(priceAlert());
    assert.equal(refused.status, 'permanent');
    assert.match(
      refused.status === 'permanent' ? refused.reason : '',
      /403 \(refused: check the URL or its token\): Missing Access \(50001\)/,
    );
  });

  it('a slow answer past the timeout is a retry, reached within the timeout', async () => {
    discord.queue({ status: 204, delayMs: 3000 });
    const started = Date.now();
    const outcome = await channel(discord.url, 300).send(priceAlert());
    const took = Date.now() - started;
    assert.equal(outcome.status, 'retry');
    assert.match(outcome.status === 'retry' ? outcome.reason : '', /no answer within 300 ms/);
    assert.ok(took < 2500, `took ${took} ms`);
  });

  it("the caller's signal aborts the request (a retry, said so)", async () => {
    discord.queue({ status: 204, delayMs: 3000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const outcome = await channel().send(priceAlert(), { signal: controller.signal });
    assert.equal(outcome.status, 'retry');
    assert.match(outcome.status === 'retry' ? outcome.reason : '', /aborted by the caller/);
  });

  it('a closed port is a retry (network error), never a throw', async () => {
    const other = await startDiscordReceiver();
    const closedUrl = other.url;
    await other.close();
    const outcome = await channel(closedUrl).send(priceAlert());
    assert.equal(outcome.status, 'retry');
    assert.match(outcome.status === 'retry' ? outcome.reason : '', /network error: ECONNREFUSED/);
  });
});
