import { z } from 'zod';
import { alertMessageSchema, type AlertMessage } from '../../message';

/**
 * The generic webhook's JSON body, version 1: the alert's own fields (AlertMessage, see
 * src/alerts/message.ts) at the top level, plus `version`, `source` and `sentAt`.
 *
 * ```json
 * {
 *   "version": 1,
 *   "source": "ticket-tracker",
 *   "sentAt": "2027-05-01T18:00:02.120Z",
 *   "kind": "price", "severity": "info",
 *   "title": "Price drop: Alpha Tour, Floor on StubHub",
 *   "text": "Lowest price for 2 tickets together fell 18.2 % ...",
 *   "dedupeKey": "rule-12/scrape-abc/stubhub/Floor/2",
 *   "event": {"id": 7, "name": "Alpha Tour", "startsAt": "2027-05-01T20:00:00-05:00", "timezone": "America/Chicago", "venue": "Arena One", "url": "https://..."},
 *   "marketplace": "stubhub", "zone": "Floor", "groupSize": 2, "condition": "drop 10%",
 *   "previousPrice": 220, "price": 180, "changePercent": -18.18, "currency": "USD",
 *   "capturedAt": "2027-05-01T18:00:00.000Z"
 * }
 * ```
 * A later version adds fields or bumps `version`; receivers should ignore fields they do not know.
 */
export const WEBHOOK_BODY_VERSION = 1;

export const webhookBodySchema = alertMessageSchema.extend({
  version: z.literal(WEBHOOK_BODY_VERSION),
  source: z.literal('ticket-tracker'),
  sentAt: z.iso.datetime({ offset: true }),
});
export type WebhookBody = z.infer<typeof webhookBodySchema>;

/** The body for `message`, sent at `sentAt`. */
export function webhookBody(message: AlertMessage, sentAt: Date): WebhookBody {
  return { version: WEBHOOK_BODY_VERSION, source: 'ticket-tracker', sentAt: sentAt.toISOString(), ...message };
}
