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

// The price basis (src/domain/price-basis.ts): every price shown names it; all-in (what the buyer
// pays, every mandatory fee included) unless the page's URL says `?basis=base`.
export const BASES = [
  ['all-in', 'All-in'],
  ['base', 'Before fees'],
];
/** The basis of the page's URL (`?basis=`), all-in when absent or not one. */
export const basisOfUrl = () => {
  const b = new URLSearchParams(location.search).get('basis');
  return BASES.some(([v]) => v === b) ? b : 'all-in';
};
/** How a header, card or axis names a basis: "all-in" / "before fees" (basisLabel on the server). */
export const basisLabel = (basis) => (basis === 'base' ? 'before fees' : 'all-in');
/** A price heading with its basis: priced('Lowest', 'all-in') is "Lowest, all-in". */
export const priced = (title, basis) => `${title}, ${basisLabel(basis)}`;

/**
 * The basis switch (All-in / Before fees): a select#basis showing `basis`; on a change it puts
 * the new basis in the URL (`?basis=`, left out for all-in) and calls `onchange(basis)`.
 */
export function basisSwitch(basis, onchange) {
  return h(
    'label',
    {
      title:
        'All-in: what the buyer pays per ticket, every mandatory fee included. Before fees: the price per ticket before the marketplace’s fees.',
    },
    'Prices ',
    h(
      'select',
      {
        id: 'basis',
        onchange: (ev) => {
          const q = new URLSearchParams(location.search);
          if (ev.target.value === 'all-in') q.delete('basis');
          else q.set('basis', ev.target.value);
          const qs = q.toString();
          history.replaceState(null, '', `${location.pathname}${qs ? `?${qs}` : ''}`);
          onchange(ev.target.value);
        },
      },
      BASES.map(([v, t]) => h('option', { value: v, selected: v === basis }, t)),
    ),
  );
}
