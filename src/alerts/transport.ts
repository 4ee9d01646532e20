import nodemailer from 'nodemailer';
import { request } from 'undici';
import { redact } from '../config/redact';
import type { ChannelIo } from './channels/io';
import { maskUrl, type HttpAnswer, type HttpFailure, type PostOptions } from './http';

/**
 * How the channels reach the network: HTTP POSTs with undici, SMTP with nodemailer. The one alert
 * module with I/O imports; configuredChannels gives CHANNEL_IO to every channel's `configure`.
 */

/**
 * POSTs `body` to `url`; resolves to the answer, or to a failure (network error, timeout,
 * abort). Never rejects. The URL (which carries tokens) never appears in a failure's reason.
 */
export async function post(url: string, body: string, options: PostOptions): Promise<HttpAnswer | HttpFailure> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const res = await request(url, {
      method: 'POST',
      headers: options.headers,
      body,
      signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body: text };
  } catch (err) {
    if (options.signal?.aborted) return { reason: 'aborted by the caller' };
    if (timeout.aborted) return { reason: `no answer within ${options.timeoutMs} ms (ALERT_TIMEOUT_MS)` };
    return { reason: `network error: ${describeError(err, url)}` };
  }
}

function describeError(err: unknown, url: string): string {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const causeMessage = typeof e.cause?.message === 'string' && e.cause.message !== message ? ` (${e.cause.message})` : '';
  return redact(`${code ? `${code} ` : ''}${message}${causeMessage}`.split(url).join(maskUrl(url)));
}

/** The network, as the channels see it. */
export const CHANNEL_IO: ChannelIo = {
  post,
  smtpTransport: (options) => nodemailer.createTransport(options),
};
