import { createHash } from 'node:crypto';
import type { AlertMessage } from '../../message';
import { factsOf, oneLine, plainText } from '../../text';

/**
 * The e-mail for one alert: subject = the title on one line, a plain-text part and an HTML
 * alternative (multipart/alternative, built by nodemailer from `text` and `html`). Every piece
 * of the alert's text is HTML-escaped in the HTML part (an event may be called "<b>Rock & Roll</b>").
 */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** A Message-ID derived from the dedupe key (RFC 5322 §3.6.4), so a mail client shows one copy of a resent alert. */
  messageId: string;
}

/** `&`, `<`, `>`, `"` and `'` as HTML entities. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const COLORS: Record<AlertMessage['severity'], string> = { info: '#5865f2', warning: '#b7791f', critical: '#c53030' };

export function renderEmail(message: AlertMessage): RenderedEmail {
  const subject = oneLine(message.title) || 'Ticket Tracker alert';
  const facts = factsOf(message);
  const rows = facts
    .map((f) => {
      const value =
        f.url && /^https?:\/\//i.test(f.url) ? `<a href="${escapeHtml(f.url)}">${escapeHtml(f.value)}</a>` : escapeHtml(f.value);
      return `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(f.label)}</th><td>${value}</td></tr>`;
    })
    .join('\n');
  const paragraphs = message.text
    .trim()
    .split(/\n{2,}/)
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:sans-serif">',
    `<h2 style="border-left:6px solid ${COLORS[message.severity]};padding-left:8px">${escapeHtml(subject)}</h2>`,
    paragraphs,
    rows ? `<table>\n${rows}\n</table>` : '',
    `<p style="color:#718096;font-size:12px">Ticket Tracker ${escapeHtml(message.kind)} alert · key ${escapeHtml(message.dedupeKey)}</p>`,
    '</body></html>',
  ]
    .filter((l) => l.length > 0)
    .join('\n');
  const digest = createHash('sha256').update(message.dedupeKey).digest('hex').slice(0, 32);
  return { subject, text: plainText(message), html, messageId: `<alert-${digest}@ticket-tracker>` };
}
