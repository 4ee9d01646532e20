import { httpUrl, optionalString } from '../../../config/setting-schemas';
import { defineChannel } from '../descriptor';
import { webhookBody } from './body';
import { webhookChannel } from './channel';

/** The generic webhook: the alert as JSON (body.ts), signed when a secret is set (signature.ts). */
export const webhook = defineChannel({
  name: 'webhook',
  label: 'Webhook',
  settings: [
    { name: 'ALERT_WEBHOOK_URL', description: 'Generic JSON webhook for price and operator alerts.', secret: true, schema: httpUrl() },
    {
      name: 'ALERT_WEBHOOK_SECRET',
      description:
        'Shared secret of the generic webhook: when set, each request carries `X-Ticket-Tracker-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.',
      secret: true,
      schema: optionalString(),
    },
  ],
  settingsProblems: (s) =>
    s.ALERT_WEBHOOK_SECRET && !s.ALERT_WEBHOOK_URL
      ? [{ variable: 'ALERT_WEBHOOK_SECRET', reason: 'is set but ALERT_WEBHOOK_URL is not (the secret signs that webhook)' }]
      : [],
  // A secret without its URL sets up nothing (parseEnv refuses it first).
  configure: (s, deps) =>
    s.ALERT_WEBHOOK_URL
      ? webhookChannel({
          url: s.ALERT_WEBHOOK_URL,
          secret: s.ALERT_WEBHOOK_SECRET,
          timeoutMs: deps.timeoutMs,
          now: deps.now,
          post: deps.io.post,
        })
      : null,
  render: webhookBody,
});
