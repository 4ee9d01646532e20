import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configuredChannel, configuredChannels } from '../../../src/alerts/channel';
import { errorRateAlert, formatDriftAlert } from '../../../src/alerts/operator';
import { sendTestAlert } from '../../../src/alerts/sample';
import { createWebhookNotifier } from '../../../src/alerts/webhooks';
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
      /ALERT_EMAIL_TO\.1: each must be an e-mail address/,
    );
    assert.throws(() => parseEnv({ DISCORD_WEBHOOK_URL: 'discord.com/api/webhooks/1/x' }), /DISCORD_WEBHOOK_URL: must be an http\(s\) URL/);
    assert.throws(() => parseEnv({ ALERT_TIMEOUT_MS: '0' }), /ALERT_TIMEOUT_MS/);
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

  it('operator alerts (error rate, format drift) travel the same channels through the Notifier', async () => {
    const lines: string[] = [];
    const notifier = createWebhookNotifier(
      env,
      createLogger('info', {}, (l) => lines.push(l)),
    );
    const drift = formatDriftAlert({
      marketplace: 'vividseats',
      eventId: 3,
      message: 'items[].price missing in 40 of 40 listings',
      at: new Date(),
    });
    const sent = await notifier.send(drift);
    assert.deepEqual(sent, { delivered: 4, failed: 0, configured: 4 });
    const body = hook.bodies().at(-1)!;
    assert.equal(body.kind, 'operator');
    assert.equal(body.dedupeKey, drift.dedupeKey);
    assert.match(body.title, /vividseats changed its format/);
    assert.match(String(smtp.messages.at(-1)!.parsed.subject), /vividseats changed its format/);
    const rate = errorRateAlert({ errors: 12, threshold: 10, windowMinutes: 60, at: new Date('2027-04-30T18:30:00Z') });
    assert.equal(rate.dedupeKey, `error-rate/${Math.floor(Date.parse('2027-04-30T18:30:00Z') / 3_600_000)}`);
    assert.deepEqual(lines, []);
  });

  it('a refusing channel is logged by name with its masked target and does not stop the others', async () => {
    const lines: string[] = [];
    slack.archive();
    const notifier = createWebhookNotifier(
      env,
      createLogger('info', {}, (l) => lines.push(l)),
    );
    const sent = await notifier.send({ title: 'x', text: 'y', severity: 'info' });
    assert.deepEqual(sent, { delivered: 3, failed: 1, configured: 4 });
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /slack alert not delivered \(permanent\): Slack answered 410 .*channel_is_archived/);
    assert.ok(!lines[0]!.includes(new URL(slack.url).pathname), 'the hook path (its token) is not logged');
  });
});
