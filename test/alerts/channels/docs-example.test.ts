import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { webhookChannel } from '../../../src/alerts/channels/webhook/channel';
import { post } from '../../../src/alerts/transport';
import { sampleAlert } from '../../../src/alerts/sample';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/alert-receivers';

type Verify = (secret: string, header: string | undefined, rawBody: string, nowSeconds?: number) => boolean;

/** The verification code of docs/alerts.md ("Alerts: channels"), exactly as a user would copy it. */
function loadReadmeExample(dir: string): Verify {
  const readme = readFileSync(path.join(__dirname, '../../../docs/alerts.md'), 'utf8');
  const m = /<!-- webhook-verify-example:start -->\n```js\n([\s\S]*?)```\n<!-- webhook-verify-example:end -->/.exec(readme);
  assert.ok(m, 'docs/alerts.md has the webhook verification example between its markers');
  const file = path.join(dir, 'verify.cjs');
  writeFileSync(file, m[1]!);
  const mod = createRequire(file)(file) as { verifyTicketTrackerSignature: Verify };
  return mod.verifyTicketTrackerSignature;
}

describe("docs/alerts.md's webhook signature check, on requests the channel really sent", () => {
  const secret = 'readme-secret-7c1e';
  let dir: string;
  let verify: Verify;
  let hook: WebhookReceiver;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tt-readme-'));
    verify = loadReadmeExample(dir);
    hook = await startWebhookReceiver();
  });
  after(async () => {
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the signed request and refuses it tampered, with another secret, or replayed later', async () => {
    const outcome = await webhookChannel({ url: hook.url, secret, timeoutMs: 5000, now: () => new Date(), post }).send(sampleAlert());
    assert.equal(outcome.status, 'delivered');
    const got = hook.received.at(-1)!;
    const header = got.headers['x-ticket-tracker-signature'] as string;
    assert.equal(verify(secret, header, got.rawBody), true);
    assert.equal(verify(secret, header, got.rawBody.replace('"price":180', '"price":18')), false);
    assert.equal(verify('another-secret', header, got.rawBody), false);
    assert.equal(verify(secret, header, got.rawBody, Math.floor(Date.now() / 1000) + 600), false);
    assert.equal(verify(secret, undefined, got.rawBody), false);
  });
});
