import type { AlertMessage } from './message';
import { formatEventStart, isTimeZone } from '../domain/local-time';
import { basisLabel, type PriceBasis } from '../domain/price-basis';

/**
 * Pure text helpers shared by the channels' renderers: cutting to a service's limit, one-line
 * titles, prices and percentages, and the list of facts every channel shows for a price alert.
 */

/**
 * `text` cut to at most `max` UTF-16 code units (the unit JavaScript, Discord and Slack count),
 * ending with "…" when cut, never splitting a surrogate pair. Leading/trailing whitespace is
 * trimmed first (Discord trims it before counting).
 */
export function cut(text: string, max: number): string {
  const t = text.trim();
  if (t.length <= max) return t;
  if (max <= 0) return '';
  let end = max - 1;
  const code = t.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1; // would keep half a pair
  return `${t.slice(0, end).trimEnd()}…`;
}

/** One line: newlines and runs of whitespace become one space (titles, subjects, headers). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A price per ticket as people read it (en-US): "$123.45" for USD, "€123.45", "CA$123.45"; "none"
 * for null (sold out / no listing).
 */
export function formatPrice(amount: number | null | undefined, currency: string | undefined): string {
  if (amount === null || amount === undefined) return 'none';
  const code = currency ?? 'USD';
  const format = currencyFormat(code);
  return format ? format.format(amount) : `${amount.toFixed(2)} ${code}`;
}

/** One formatter per currency (building an Intl.NumberFormat costs ~0.1 ms); null for a code Intl refuses. */
const formats = new Map<string, Intl.NumberFormat | null>();
function currencyFormat(code: string): Intl.NumberFormat | null {
  let format = formats.get(code);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat('en-US', { style: 'currency', currency: code, currencyDisplay: 'symbol' });
    } catch {
      format = null;
    }
    if (formats.size < 200) formats.set(code, format);
  }
  return format;
}

/** A price with its basis beside it: "$212.40 all-in", "$180.00 before fees"; as formatPrice without a basis, and "none" stays "none". */
export function formatPriceOn(amount: number | null | undefined, currency: string | undefined, basis: PriceBasis | undefined): string {
  const text = formatPrice(amount, currency);
  return basis === undefined || amount === null || amount === undefined ? text : `${text} ${basisLabel(basis)}`;
}

/** "-12.5 %" / "+3.0 %"; "n/a" for null. */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return 'n/a';
  const sign = percent > 0 ? '+' : percent < 0 ? '-' : '±';
  return `${sign}${Math.abs(percent).toFixed(1)} %`;
}

/** "1 ticket" / "2 tickets together". */
export function formatGroupSize(size: 1 | 2 | 4): string {
  return size === 1 ? '1 ticket' : `${size} tickets together`;
}

/** A fact shown as a labelled field (Discord embed field, Slack section field, e-mail table row). */
export interface Fact {
  label: string;
  value: string;
  /** A link the value points to (event page), when there is one. */
  url?: string;
}

/** An event's start in its own zone ("Sat 13 Feb 2027 19:30 EST"); as stored when the zone is unknown or invalid. */
function formatStart(startsAt: string, timezone: string | null | undefined): string {
  if (!timezone || !isTimeZone(timezone)) return startsAt;
  return formatEventStart(new Date(startsAt), timezone);
}

/**
 * The labelled facts of an alert, in display order: event, starts, venue, marketplace, zone,
 * tickets, condition, previous price, price, change, captured at. Operator alerts have none
 * (their text says it all). Values are plain text, unescaped: each channel escapes for itself.
 */
export function factsOf(message: AlertMessage): Fact[] {
  const facts: Fact[] = [];
  const { event } = message;
  if (event) {
    facts.push({ label: 'Event', value: event.name, ...(event.url ? { url: event.url } : {}) });
    if (event.startsAt) facts.push({ label: 'Starts', value: formatStart(event.startsAt, event.timezone) });
    if (event.venue) facts.push({ label: 'Venue', value: event.venue });
  }
  if (message.marketplace) facts.push({ label: 'Marketplace', value: message.marketplace });
  if (message.zone) facts.push({ label: 'Zone', value: message.zone === 'ALL' ? 'whole event' : message.zone });
  if (message.groupSize) facts.push({ label: 'Tickets', value: formatGroupSize(message.groupSize) });
  if (message.condition) facts.push({ label: 'Rule', value: message.condition });
  if (message.previousPrice !== undefined) {
    facts.push({ label: 'Previous price', value: formatPriceOn(message.previousPrice, message.currency, message.basis) });
  }
  if (message.price !== undefined) facts.push({ label: 'Price', value: formatPriceOn(message.price, message.currency, message.basis) });
  if (message.changePercent !== undefined) facts.push({ label: 'Change', value: formatPercent(message.changePercent) });
  if (message.capturedAt) facts.push({ label: 'Captured at', value: message.capturedAt });
  return facts;
}

/** The whole alert as plain text: title, text, then "Label: value" lines (e-mail text part, logs). */
export function plainText(message: AlertMessage): string {
  const lines = [oneLine(message.title), '', message.text.trim()];
  const facts = factsOf(message);
  if (facts.length > 0) {
    lines.push('');
    for (const f of facts) lines.push(`${f.label}: ${f.value}${f.url ? ` <${f.url}>` : ''}`);
  }
  lines.push('', `Alert key: ${message.dedupeKey}`);
  return lines.join('\n');
}
