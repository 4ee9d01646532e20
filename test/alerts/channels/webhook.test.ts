import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signatureHeader, verifySignature, webhookBodySchema, webhookChannel } from '../../../src/alerts/channels/webhook/channel';
import { post } from '../../../src/alerts/transport';
import type { AlertMessage } from '../../../src/alerts/message';
import { sampleAlert } from '../../../src/alerts/sample';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/alert-receivers';

const SECRET = 'whsec_3f9a1c0d7e2b4a58';
const alert = (overrides: Partial<AlertMessage> = {}): AlertMessage => ({
  ...sampleAlert(new Date()),
  dedupeKey: `rule-1/scrape-${Math.random()}`,
  ...overrides,
});

describe('webhook signature (t=<unix>,v1=<hex HMAC-SHA256 of "t.body">)', () => {
  const at = new Date('2027-04-30T18:00:00.000Z');
  const body = '{"version":1,"title":"x"}';

  it('is the HMAC a receiver computes by hand (the docs/alerts.md example)', () => {
    const header = signatureHeader(SECRET, body, at);
    const t = Math.floor(at.getTime() / 1000);
    assert.equal(header, `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}`);
    assert.deepEqual(verifySignature(SECRET, header, body, { now: at }), { ok: true, timestamp: t });
  });

  it('refuses a changed body, another secret, an old timestamp, a missing or malformed header', () => {
    const header = signatureHeader(SECRET, body, at);
    const check = (h: string | undefined, b = body, secret = SECRET, now = at) => verifySignature(secret, h, b, { now });
    assert.match(JSON.stringify(check(header, body.replace('x', 'y'))), /no v1 signature matches/);
    assert.match(JSON.stringify(check(header, body, 'another-secret')), /no v1 signature matches/);
    assert.match(JSON.stringify(check(header, body, SECRET, new Date(at.getTime() + 301_000))), /more than 300 s from now/);
    assert.match(JSON.stringify(check(undefined)), /no X-Ticket-Tracker-Signature header/);
    assert.match(JSON.stringify(check('v1=abc')), /no t=/);
    assert.match(JSON.stringify(check(`t=${Math.floor(at.getTime() / 1000)}`)), /no v1=/);
  });

  it('accepts any of several v1 entries (secret rotation)', () => {
    const good = signatureHeader(SECRET, body, at);
    const old = signatureHeader('old-secret', body, at).split(',')[1]!;
    assert.equal(verifySignature(SECRET, `${good},${old}`, body, { now: at }).ok, true);
    assert.equal(verifySignature('old-secret', `${good},${old}`, body, { now: at }).ok, true);
  });
});

describe('generic webhook channel against a receiver that checks signatures', () => {
  let hook: WebhookReceiver;
  before(async () => {
    hook = await startWebhookReceiver({ secret: SECRET });
  });
  after(async () => {
    await hook.close();
  });
  const channel = (options: { secret?: string; url?: string; timeoutMs?: number } = {}) =>
    webhookChannel({
      url: options.url ?? hook.url,
      secret: 'secret' in options ? options.secret : SECRET,
      timeoutMs: options.timeoutMs ?? 5000,
      now: () => new Date(),
      post,
    });

  it('is delivered: a signed v1 body with sentAt and source, Idempotency-Key = dedupeKey', async () => {
    const message = alert();
    const outcome = await channel().send(message);
    assert.equal(outcome.status, 'delivered', JSON.stringify(outcome));
    assert.equal(outcome.httpStatus, 202);
    const body = hook.bodies().at(-1)!;
    assert.equal(body.version, 1);
    assert.equal(body.source, 'ticket-tracker');
    assert.ok(Math.abs(Date.parse(body.sentAt) - Date.now()) < 5000);
    const { version: _v, source: _s, sentAt: _t, ...rest } = body;
    assert.deepEqual(rest, message, 'the alert travels whole');
    assert.equal(hook.received.at(-1)!.headers['idempotency-key'], message.dedupeKey);
  });

  it('the same alert twice carries the same key, so the receiver drops the second', async () => {
    const message = alert();
    assert.equal((await channel().send(message)).status, 'delivered');
    const again = await channel().send(message);
    assert.equal(again.status, 'delivered');
    assert.deepEqual(hook.duplicates, [message.dedupeKey]);
  });

  it('a wrong secret or no signature is refused by the receiver (401): permanent', async () => {
    const wrong = await channel({ secret: 'not-the-secret' }).send(alert());
    assert.equal(wrong.status, 'permanent');
    assert.match(wrong.status === 'permanent' ? wrong.reason : '', /webhook answered 401 .*no v1 signature matches/);
    const unsigned = await channel({ secret: undefined }).send(alert());
    assert.equal(unsigned.status, 'permanent');
    assert.equal(hook.received.at(-1)!.headers['x-ticket-tracker-signature'], undefined, 'no secret, no header');
  });

  it('429 with an HTTP-date Retry-After is a retry after that long; 503 is retried', async () => {
    hook.queue({ status: 429, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } });
    const limited = await channel().send(alert());
    assert.equal(limited.status, 'retry');
    const wait = limited.status === 'retry' ? limited.retryAfterMs! : 0;
    assert.ok(wait > 110_000 && wait <= 120_000, String(wait));
    hook.queue({ status: 503 });
    assert.equal((await channel().send(alert())).status, 'retry');
  });

  it('404, 410 and 422 are permanent; a redirect is permanent and says to set the final URL', async () => {
    hook.queue({ status: 404 }, { status: 410 }, { status: 301, headers: { location: 'https://elsewhere.example/hook' } });
    const outcomes = [await channel().send(alert()), await channel().send(alert()), await channel().send(alert())];
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['permanent', 'permanent', 'permanent'],
    );
    assert.match(outcomes[2]!.status === 'permanent' ? outcomes[2]!.reason : '', /redirect: set the final URL/);
    const notV1 = await channel().send({ ...alert(), groupSize: 3 as 2 });
    assert.equal(notV1.status, 'permanent');
    assert.match(notV1.status === 'permanent' ? notV1.reason : '', /422.*groupSize/);
  });

  it('a key outside visible ASCII is percent-encoded in the header', async () => {
    const message = alert({ dedupeKey: 'rule 1/Zone Ä' });
    hook.queue({ status: 204 });
    assert.equal((await channel().send(message)).status, 'delivered');
    assert.equal(hook.received.at(-1)!.headers['idempotency-key'], 'rule%201%2FZone%20%C3%84');
  });

  it('the body schema refuses what it does not describe (a receiver can rely on it)', () => {
    const valid = { version: 1, source: 'ticket-tracker', sentAt: new Date().toISOString(), ...alert() };
    assert.equal(webhookBodySchema.safeParse(valid).success, true);
    assert.equal(webhookBodySchema.safeParse({ ...valid, version: 2 }).success, false);
    assert.equal(webhookBodySchema.safeParse({ ...valid, currency: 'dollars' }).success, false);
  });

  it('a slow receiver past the timeout is a retry', async () => {
    hook.queue({ status: 200, delayMs: 3000 });
    const outcome = await channel({ timeoutMs: 300 }).send(alert());
    assert.equal(outcome.status, 'retry');
  });
});
