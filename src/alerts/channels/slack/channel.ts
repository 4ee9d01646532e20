import { classifyAnswer, isFailure, maskUrl, retryAfterFromHeaders, type HttpAnswer, type HttpPost } from '../../http';
import type { AlertChannel, AlertMessage, DeliveryOutcome } from '../../message';
import { renderSlack } from './render';

/**
 * The Slack channel: one POST to an incoming webhook per alert.
 *
 * Answers, from Slack's documentation ("Sending messages using incoming webhooks", section
 * "Handling errors", and the changelog "Improving error conditions for Incoming Webhooks",
 * api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks): `200` with the
 * body `ok`; errors as a plain-text code in the body: 400 `invalid_payload`, `invalid_blocks`,
 * `user_not_found`, `no_text`; 403 `action_prohibited`, `invalid_token`; 404 `channel_not_found`,
 * `no_service`, `no_team`; 410 `channel_is_archived`; 500 `rollup_error`. Rate limits ("Rate
 * limits", incoming webhooks: about 1 message per second with short bursts): 429 with a
 * `Retry-After` header in seconds. Pure: the request goes through `post`.
 */
export function slackChannel(options: { url: string; timeoutMs: number; now: () => Date; post: HttpPost }): AlertChannel<'slack'> {
  return {
    name: 'slack',
    target: maskUrl(options.url),
    async send(message: AlertMessage, sendOptions?: { signal?: AbortSignal }): Promise<DeliveryOutcome> {
      const answer = await options.post(options.url, JSON.stringify(renderSlack(message)), {
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'ticket-tracker (alerts)' },
        timeoutMs: options.timeoutMs,
        signal: sendOptions?.signal,
      });
      if (isFailure(answer)) return { status: 'retry', reason: `Slack: ${answer.reason}` };
      return classifySlackAnswer(answer, options.now().getTime());
    },
  };
}

/**
 * The outcome of Slack's answer: 2xx delivered (response `ok`); 429 retry after `Retry-After`;
 * 5xx retry; 400/403/404/410 and other 4xx permanent, the reason naming Slack's error code.
 */
export function classifySlackAnswer(answer: HttpAnswer, now: number): DeliveryOutcome {
  const retryAfterMs = answer.status === 429 || answer.status >= 500 ? retryAfterFromHeaders(answer.headers, now) : undefined;
  return classifyAnswer(answer, 'Slack', retryAfterMs, answer.body.trim());
}
