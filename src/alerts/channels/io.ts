import type { HttpPost } from '../http';

/**
 * The I/O a channel sends through, given to its descriptor's `configure` (types only; the real
 * ones are src/alerts/transport.ts, which configuredChannels passes). Keeping them out of the
 * descriptors keeps every descriptor pure, so the configuration can read their settings.
 */
export interface ChannelIo {
  /** One HTTP POST with a whole-request timeout (Discord, Slack, webhook). */
  post: HttpPost;
  /** An SMTP transport (e-mail); making one connects to nothing. */
  smtpTransport(options: SmtpTransportOptions): SmtpTransport;
}

/** How to reach an SMTP server (nodemailer's SMTP transport options, the ones we set; timeouts in ms). */
export interface SmtpTransportOptions {
  host: string;
  port: number;
  /** TLS from the first byte (smtps://); else STARTTLS when the server offers it. */
  secure: boolean;
  auth?: { user: string; pass: string };
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
  dnsTimeout: number;
}

/** One message (nodemailer's message options, the ones we set). */
export interface SmtpMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
  signal: AbortSignal;
}

export interface SmtpTransport {
  /**
   * Sends `mail`; resolves to the server's final answer (e.g. "250 2.0.0 Ok: queued as 4B7C1")
   * and the recipients it refused. Rejects with nodemailer's error (`code`, `responseCode`, `response`).
   */
  sendMail(mail: SmtpMail): Promise<{ response: string; rejected: readonly unknown[] }>;
}
