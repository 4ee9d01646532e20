import { isIP } from 'node:net';
import type { AlertChannel, AlertMessage, DeliveryOutcome } from '../../message';
import { redact } from '../../../config/redact';
import { cut } from '../../text';
import type { SmtpTransport, SmtpTransportOptions } from '../io';
import { renderEmail } from './render';

/**
 * The e-mail channel: one message over SMTP per alert, sent with nodemailer (nodemailer.com:
 * "SMTP transport" for host/port/secure/auth and the timeouts, "Message configuration" for
 * from/to/subject/text/html/messageId/headers, and its error codes, `err.responseCode` and
 * `err.code`, in nodemailer's errors.js).
 *
 * Settings: `smtp://host:587` sends in the clear then upgrades with STARTTLS when the server
 * offers it; `smtps://host:465` is TLS from the first byte. User and password come from the URL
 * or from `user`/`password`.
 *
 * Outcomes, by the SMTP reply code (RFC 5321 §4.2.1): 2xx delivered (response: the server's
 * answer, e.g. "250 2.0.0 Ok: queued as 4B7C1"); 4xx (e.g. 421, 451, 452) retry; 5xx (e.g. 535
 * authentication failed, 550 mailbox unavailable, 554) permanent, except 503 (bad sequence of
 * commands: a session problem) retried, as nodemailer's `isPermanentResponseCode` does.
 * Without a reply code: connection, socket, DNS and timeout errors retry; configuration, TLS
 * (an untrusted, expired or self-signed server certificate included) and envelope errors are
 * permanent. Pure: the message goes through the transport `smtpTransport` makes.
 */
export interface EmailChannelOptions {
  smtpUrl: string;
  user?: string | undefined;
  password?: string | undefined;
  from?: string | undefined;
  to: readonly string[];
  timeoutMs: number;
  smtpTransport(options: SmtpTransportOptions): SmtpTransport;
}

export function emailChannel(options: EmailChannelOptions): AlertChannel<'email'> {
  const url = new URL(options.smtpUrl);
  const secure = url.protocol === 'smtps:';
  const user = url.username ? decodeURIComponent(url.username) : options.user;
  const pass = url.password ? decodeURIComponent(url.password) : options.password;
  const transport = options.smtpTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(user ? { auth: { user, pass: pass ?? '' } } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    dnsTimeout: options.timeoutMs,
  });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const from = options.from ?? `Ticket Tracker <alerts@${isIP(host) ? `[${host}]` : host}>`;
  return {
    name: 'email',
    target: `${url.protocol}//${url.host} -> ${options.to.join(', ')}`,
    async send(message: AlertMessage, sendOptions?: { signal?: AbortSignal }): Promise<DeliveryOutcome> {
      const mail = renderEmail(message);
      const timeout = AbortSignal.timeout(options.timeoutMs * 3);
      const signal = sendOptions?.signal ? AbortSignal.any([timeout, sendOptions.signal]) : timeout;
      try {
        const info = await transport.sendMail({
          from,
          to: [...options.to],
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          headers: { 'X-Ticket-Tracker-Alert-Key': message.dedupeKey },
          signal,
        });
        const rejected = info.rejected.map(String);
        return {
          status: 'delivered',
          response: cut(`${info.response}${rejected.length > 0 ? ` (refused recipients: ${rejected.join(', ')})` : ''}`, 2000),
        };
      } catch (err) {
        if (sendOptions?.signal?.aborted) return { status: 'retry', reason: 'e-mail: aborted by the caller' };
        if (timeout.aborted)
          return { status: 'retry', reason: `e-mail: not sent within ${options.timeoutMs * 3} ms (3 × ALERT_TIMEOUT_MS)` };
        return classifySmtpError(err);
      }
    },
  };
}

/** Error codes (nodemailer's errors.js) that retrying cannot fix when no SMTP reply came. */
const PERMANENT_CODES = new Set(['ECONFIG', 'ETLS', 'EREQUIRETLS', 'EENVELOPE', 'EMESSAGE', 'ENOAUTH', 'EAUTH', 'EMAXRECIPIENTS']);

/** Node's TLS certificate error codes (nodemailer keeps them as `originalCode`): the server's certificate is not trusted. */
const CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** The outcome of a nodemailer error (see the channel's comment for the rules). */
export function classifySmtpError(err: unknown): DeliveryOutcome {
  const e = (err ?? {}) as { code?: unknown; originalCode?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const original = typeof e.originalCode === 'string' ? e.originalCode : undefined;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const said = typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(err);
  const certificate = original !== undefined && CERTIFICATE_CODE.test(original);
  const what = reply !== undefined ? `SMTP ${reply}` : `${code ?? 'error'}${original ? ` (${original})` : ''}`;
  const hint = certificate ? " (the server's TLS certificate is not trusted: fix it on the server, or use another SMTP_URL)" : '';
  const reason = redact(cut(`e-mail: ${what}: ${said}${hint}`, 2000));
  if (reply !== undefined) {
    const permanent = reply >= 500 && reply < 600 && reply !== 503;
    return permanent ? { status: 'permanent', reason } : { status: 'retry', reason };
  }
  if (certificate) return { status: 'permanent', reason };
  return code !== undefined && PERMANENT_CODES.has(code) ? { status: 'permanent', reason } : { status: 'retry', reason };
}
