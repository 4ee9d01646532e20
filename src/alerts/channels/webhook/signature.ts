import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The generic webhook's signature, after Stripe's scheme ("Check the webhook signatures",
 * docs.stripe.com/webhooks#verify-manually): the header
 *
 *   X-Ticket-Tracker-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The timestamp is inside the signed text, so a captured request cannot be replayed later than
 * the receiver's tolerance. A receiver verifies it with `verifySignature` below (or the same
 * few lines in its own language: see docs/alerts.md, "Alerts: channels").
 */
export const SIGNATURE_HEADER = 'X-Ticket-Tracker-Signature';

/** The signature header's value for `body` (the exact bytes sent) at `at`. */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`;
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a request's signature: `header` is the X-Ticket-Tracker-Signature value, `rawBody` the
 * body exactly as received (before any JSON parsing), `toleranceSeconds` how old (or how far in
 * the future) the timestamp may be (default 300). Constant-time comparison; any `v1=` entry may
 * match (several appear while a secret is being rotated).
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  options: { toleranceSeconds?: number; now?: Date } = {},
): SignatureCheck {
  if (!header) return { ok: false, reason: `no ${SIGNATURE_HEADER} header` };
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = parts.find(([k]) => k === 't')?.[1];
  const signatures = parts.filter(([k, v]) => k === 'v1' && v !== undefined).map(([, v]) => v as string);
  if (!t || !/^\d+$/.test(t)) return { ok: false, reason: 'no t=<unix seconds> in the signature header' };
  if (signatures.length === 0) return { ok: false, reason: 'no v1=<hex> in the signature header' };
  const timestamp = Number(t);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - timestamp) > tolerance)
    return { ok: false, reason: `timestamp ${timestamp} is more than ${tolerance} s from now (${now})` };
  const expected = Buffer.from(hmacHex(secret, `${t}.${rawBody}`), 'hex');
  const match = signatures.some((s) => {
    if (!/^[0-9a-f]{64}$/i.test(s)) return false;
    return timingSafeEqual(Buffer.from(s, 'hex'), expected);
  });
  return match ? { ok: true, timestamp } : { ok: false, reason: 'no v1 signature matches the body and the secret' };
}
