import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configuredChannel, configuredChannels } from '../../../src/alerts/channel';
import { errorRateAlert, formatDriftAlert } from '../../../src/alerts/operator';
import { sendTestAlert } from '../../../src/alerts/sample';
import { formatPercent, formatPrice } from '../../../src/alerts/text';
import { ConfigError, parseEnv } from '../../../src/config';
import { createLogger } from '../../../src/logging/logger';
import {
  startDiscordReceiver,
  startSlackReceiver,
  startWebhookReceiver,
  type DiscordReceiver,
  type SlackReceiver,
  type WebhookReceiver,
} from '../../helpers/alert-receivers';
import { startSmtpReceiver, type SmtpReceiver } from '../../helpers/smtp-receiver';

describe('alert settings', () => {
  it('no alert settings: no channels', () => {
    assert.deepEqual(configuredChannels(parseEnv({})), []);
  });

  it('e-mail needs SMTP_URL and ALERT_EMAIL_TO together; the webhook secret needs its URL', () => {
    assert.throws(
      () => parseEnv({ SMTP_URL: 'smtp://mail.example.com:587' }),
      (e: unknown) => e instanceof ConfigError && /ALERT_EMAIL_TO: is required when SMTP_URL is set/.test(e.message),
    );
    assert.throws(() => parseEnv({ ALERT_EMAIL_TO: 'ops@example.com' }), /SMTP_URL: is required when ALERT_EMAIL_TO is set/);
    assert.throws(() => parseEnv({ ALERT_WEBHOOK_SECRET: 'abcdef' }), /ALERT_WEBHOOK_SECRET: is set but ALERT_WEBHOOK_URL is not/);
  });

  it('bad values name the variable', () => {
    assert.throws(
      () => parseEnv({ SMTP_URL: 'mail.example.com:25', ALERT_EMAIL_TO: 'a@b.co' }),
      /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
    assert.throws(
      () => parseEnv({ SMTP_URL: 'smtp://m.example.com', ALERT_EMAIL_TO: 'ops@example.com, not-an-address' }),
      /ALERT_EMAIL_TO\.1: "not-an-address" is not an e-mail address/,
    );
    assert.throws(() => parseEnv({ DISCORD_WEBHOOK_URL: 'discord.com/api/webhooks/1/x' }), /DISCORD_WEBHOOK_URL: must be an http\(s\) URL/);
    assert.throws(() => parseEnv({ ALERT_TIMEOUT_MS: '0' }), /ALERT_TIMEOUT_MS/);
    assert.throws(
      () =>
        parseEnv({
          DISCORD_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
          SLACK_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/y',
        }),
      /DISCORD_WEBHOOK_URL: is a Slack URL[\s\S]*SLACK_WEBHOOK_URL: is a Discord URL/,
    );
  });

  it('each channel says where it sends without its token or password', () => {
    const env = parseEnv({
      DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/123/secret-discord-token',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T1/B2/secretslacktoken',
      ALERT_WEBHOOK_URL: 'https://example.com/hook?token=secret-query-token',
      SMTP_URL: 'smtps://user:secret-smtp-password@smtp.example.com',
      ALERT_EMAIL_TO: 'ops@example.com',
    });
    const channels = configuredChannels(env);
    assert.deepEqual(
      channels.map((c) => [c.name, c.target]),
      [
        ['discord', 'https://discord.com/api/***'],
        ['slack', 'https://hooks.slack.com/services/***'],
        ['webhook', 'https://example.com/hook/***'],
        ['email', 'smtps://smtp.example.com -> ops@example.com'],
      ],
    );
    assert.equal(configuredChannel('slack', env)?.name, 'slack');
    assert.equal(configuredChannel('email', parseEnv({})), undefined);
  });
});

describe('every configured channel, end to end against local receivers', () => {
  let discord: DiscordReceiver;
  let slack: SlackReceiver;
  let hook: WebhookReceiver;
  let smtp: SmtpReceiver;
  let env: ReturnType<typeof parseEnv>;
  before(async () => {
    [discord, slack, hook, smtp] = await Promise.all([
      startDiscordReceiver(),
      startSlackReceiver(),
      startWebhookReceiver({ secret: 'shared-secret-1' }),
      startSmtpReceiver(),
    ]);
    env = parseEnv({
      DISCORD_WEBHOOK_URL: discord.url,
      SLACK_WEBHOOK_URL: slack.url,
      ALERT_WEBHOOK_URL: hook.url,
      ALERT_WEBHOOK_SECRET: 'shared-secret-1',
      SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: 'ops@example.com',
      ALERT_EMAIL_FROM: 'Ticket Tracker <tt@example.com>',
    });
  });
  after(async () => {
    await Promise.all([discord.close(), slack.close(), hook.close(), smtp.close()]);
  });

  it('`alerts test CHANNEL`: the sample goes through each channel and is accepted', async () => {
    const outcomes = await Promise.all(configuredChannels(env).map(async (c) => [c.name, (await sendTestAlert(c)).status]));
    assert.deepEqual(outcomes, [
      ['discord', 'delivered'],
      ['slack', 'delivered'],
      ['webhook', 'delivered'],
      ['email', 'delivered'],
    ]);
    assert.equal(hook.bodies().at(-1)!.title.startsWith('Test alert'), true);
    assert.equal(smtp.messages.length, 1);
  });

  it('operator alerts (error rate, format drift) travel the same channels', async () => {
    const drift = formatDriftAlert({
      marketplace: 'vividseats',
      eventId: 3,
      message: 'items[].price missing in 40 of 40 listings',
      at: new Date(),
    });
    const outcomes = await Promise.all(configuredChannels(env).map((c) => c.send(drift)));
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['delivered', 'delivered', 'delivered', 'delivered'],
    );
    const body = hook.bodies().at(-1)!;
    assert.equal(body.kind, 'operator');
    assert.equal(body.dedupeKey, drift.dedupeKey);
    assert.equal(body.marketplace, 'vividseats');
    assert.match(body.title, /vividseats changed its format/);
    assert.match(String(smtp.messages.at(-1)!.parsed.subject), /vividseats changed its format/);
    const embed = (discord.accepted().at(-1)!.json as { embeds: { color: number; description: string }[] }).embeds[0]!;
    assert.equal(embed.color, 0xed4245, 'critical is red');
    assert.match(embed.description, /marketplaces probe vividseats/);
    const rate = errorRateAlert({ errors: 12, threshold: 10, windowMinutes: 60, at: new Date('2027-04-30T18:30:00Z') });
    assert.equal(rate.dedupeKey, `error-rate/${Math.floor(Date.parse('2027-04-30T18:30:00Z') / 3_600_000)}`);
    assert.equal(rate.severity, 'warning');
  });

  it('each send is logged at debug level with the masked target, never the URL', async () => {
    const lines: string[] = [];
    slack.archive();
    const channel = configuredChannel('slack', env, { logger: createLogger('debug', {}, (l) => lines.push(l)) })!;
    const outcome = await channel.send(formatDriftAlert({ marketplace: 'seatgeek', eventId: 1, message: 'm', at: new Date() }));
    assert.equal(outcome.status, 'permanent');
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.level, 'debug');
    assert.equal(line.status, 'permanent');
    assert.match(String(line.target), /\/services\/\*\*\*$/);
    assert.ok(!lines[0]!.includes(new URL(slack.url).pathname), 'the hook path (its token) is not logged');
  });
});

describe('prices and percentages as the channels show them', () => {
  it('names the currency unambiguously and says "none" for no price', () => {
    assert.deepEqual(
      [formatPrice(1234.5, 'USD'), formatPrice(99, 'EUR'), formatPrice(5, 'CAD'), formatPrice(null, 'USD'), formatPrice(12, undefined)],
      ['$1,234.50', '€99.00', 'CA$5.00', 'none', '$12.00'],
    );
    assert.deepEqual(
      [formatPercent(-18.18), formatPercent(3), formatPercent(0), formatPercent(null)],
      ['-18.2 %', '+3.0 %', '±0.0 %', 'n/a'],
    );
  });
});
