import { classifyAnswer, isFailure, maskUrl, retryAfterFromHeaders, type HttpAnswer, type HttpPost } from '../../http';
import type { AlertChannel, AlertMessage, DeliveryOutcome } from '../../message';
import { webhookBody } from './body';
import { SIGNATURE_HEADER, signatureHeader } from './signature';

export { webhookBody, webhookBodySchema, WEBHOOK_BODY_VERSION, type WebhookBody } from './body';
export { SIGNATURE_HEADER, signatureHeader, verifySignature, type SignatureCheck } from './signature';

/**
 * The generic webhook channel: one JSON POST per alert (body: body.ts, version 1), with
 * `Idempotency-Key: <dedupeKey>` (as in the IETF draft "The Idempotency-Key HTTP Header Field";
 * a key with characters outside visible ASCII is percent-encoded) and, when a secret is set,
 * `X-Ticket-Tracker-Signature` (signature.ts). Answers: 2xx delivered; 429 retry after
 * `Retry-After`; 408 and 5xx retry; 401/403/404/410 and other 4xx permanent. Pure: the request
 * goes through `post`.
 */
export function webhookChannel(options: {
  url: string;
  secret?: string | undefined;
  timeoutMs: number;
  now: () => Date;
  post: HttpPost;
}): AlertChannel<'webhook'> {
  return {
    name: 'webhook',
    target: maskUrl(options.url),
    async send(message: AlertMessage, sendOptions?: { signal?: AbortSignal }): Promise<DeliveryOutcome> {
      const at = options.now();
      const body = JSON.stringify(webhookBody(message, at));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'ticket-tracker (alerts)',
        'idempotency-key': idempotencyKey(message.dedupeKey),
      };
      if (options.secret) headers[SIGNATURE_HEADER.toLowerCase()] = signatureHeader(options.secret, body, at);
      const answer = await options.post(options.url, body, { headers, timeoutMs: options.timeoutMs, signal: sendOptions?.signal });
      if (isFailure(answer)) return { status: 'retry', reason: `webhook: ${answer.reason}` };
      return classifyWebhookAnswer(answer, options.now().getTime());
    },
  };
}

/** The dedupe key as a header value: as is when visible ASCII, else percent-encoded. */
export function idempotencyKey(dedupeKey: string): string {
  return /^[\x21-\x7e]+$/.test(dedupeKey) ? dedupeKey : encodeURIComponent(dedupeKey);
}

export function classifyWebhookAnswer(answer: HttpAnswer, now: number): DeliveryOutcome {
  const retryAfterMs = answer.status === 429 || answer.status >= 500 ? retryAfterFromHeaders(answer.headers, now) : undefined;
  return classifyAnswer(answer, 'webhook', retryAfterMs);
}
