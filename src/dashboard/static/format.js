// Figures and times as the pages show them.
import { h } from './dom.js';

export const money = (v, cur) => (v === null || v === undefined ? '–' : `${cur && cur !== 'USD' ? cur + ' ' : '$'}${Number(v).toFixed(2)}`);
export const when = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '–');
export const ago = (iso) => {
  if (!iso) return 'never';
  const m = Math.round((Date.now() - new Date(iso).getTime()) / 60000);
  return m < 60 ? `${m} min ago` : m < 48 * 60 ? `${Math.round(m / 60)} h ago` : `${Math.round(m / 1440)} d ago`;
};
export const eventDate = (e) =>
  !e.startsAt || e.startPrecision === 'tba'
    ? 'TBA'
    : new Date(e.startsAt).toLocaleString(undefined, {
        dateStyle: 'medium',
        ...(e.startPrecision === 'time' ? { timeStyle: 'short' } : {}),
        timeZone: e.timezone || 'UTC',
      }) + (e.startPrecision === 'date' ? ' (time TBA)' : '');

/** A change `{change, percent}` as an arrow and a percentage (a dash when there is none). */
export function change(c) {
  if (!c) return h('span', { class: 'muted' }, '–');
  const cls = c.change > 0 ? 'up' : c.change < 0 ? 'down' : 'flat';
  const arrow = c.change > 0 ? '▲' : c.change < 0 ? '▼' : '•';
  return h(
    'span',
    { class: cls, title: `${c.change >= 0 ? '+' : ''}${c.change.toFixed(2)}` },
    `${arrow} ${c.percent === null ? '' : Math.abs(c.percent).toFixed(1) + '%'}`,
  );
}

/** A percentage rounded to one decimal first, so a change that rounds to zero reads "0.0%" (never "-0.0%"). */
const round1 = (v) => Math.round(Number(v) * 10) / 10 || 0;
export const percent = (v) => (v === null || v === undefined ? '–' : `${round1(v) > 0 ? '+' : ''}${round1(v).toFixed(1)}%`);
export const trendClass = (v) => (v === null || v === undefined || round1(v) === 0 ? 'flat' : round1(v) > 0 ? 'up' : 'down');
