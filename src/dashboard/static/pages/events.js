// The Events page (/events).
import { api, marketplaces } from '../api.js';
import { sparkline } from '../charts.js';
import { fail, h, show, status } from '../dom.js';
import { ago, basisLabel, basisOfUrl, basisSwitch, change, eventDate, money, priced } from '../format.js';

/** The Events page: every tracked event (all with the box ticked), filtered and sorted in the page. */
export async function eventsPage() {
  const state = { filter: '', sort: 'date', all: false, basis: basisOfUrl(), events: [], labelOf: (m) => m };
  const table = h('div', { id: 'events-table' });
  const load = async () => {
    const [r, known] = await Promise.all([api(`/api/events?all=${state.all}&basis=${state.basis}`), marketplaces()]);
    // The figures drawn are on the basis the server answered (never the one asked for, were they to differ).
    state.answeredBasis = r.basis;
    state.events = r.events;
    state.labelOf = known.labelOf;
    draw();
  };
  const sorters = {
    date: (a, b) => (a.startsAt || '9999').localeCompare(b.startsAt || '9999') || a.id - b.id,
    name: (a, b) => a.name.localeCompare(b.name),
    lowest: (a, b) => lowestOf(a) - lowestOf(b),
    change24h: (a, b) => pct(a, 'change24h') - pct(b, 'change24h'),
    change7d: (a, b) => pct(a, 'change7d') - pct(b, 'change7d'),
    scraped: (a, b) => (b.lastScrapeAt || '').localeCompare(a.lastScrapeAt || ''),
  };
  /** The live marketplace with the lowest price on the basis shown, when every priced one is in one currency; else null. */
  function cheapestOf(e) {
    const priced = e.marketplaces.filter((m) => m.live && m.lowest !== null);
    if (priced.length < 2 || new Set(priced.map((m) => m.currency)).size > 1) return null;
    return priced.reduce((a, b) => (b.lowest < a.lowest ? b : a));
  }

  function lowestOf(e) {
    const v = e.marketplaces.map((m) => m.lowest).filter((x) => x !== null);
    return v.length ? Math.min(...v) : Infinity;
  }
  function pct(e, k) {
    const v = e.marketplaces.map((m) => m[k] && m[k].percent).filter((x) => x !== null && x !== undefined);
    return v.length ? Math.min(...v) : Infinity;
  }
  function draw() {
    const f = state.filter.toLowerCase();
    const rows = state.events
      .filter(
        (e) => !f || [e.name, e.venue, e.city, String(e.id), ...(e.marketplaceIds || [])].some((x) => x && x.toLowerCase().includes(f)),
      )
      .sort(sorters[state.sort]);
    const markets = [...new Set(state.events.flatMap((e) => e.marketplaces.map((m) => m.source)))].sort();
    table.replaceChildren(
      h('p', { class: 'muted' }, `${rows.length} of ${state.events.length} events`),
      h(
        'table',
        { class: 'grid' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Event'),
            h('th', {}, 'Date'),
            h('th', {}, 'Venue'),
            markets.map((m) =>
              h(
                'th',
                { class: 'num', title: m },
                h('span', { class: 'label' }, state.labelOf(m)),
                h('div', { class: 'small muted' }, priced('lowest', state.answeredBasis)),
              ),
            ),
            h('th', {}, priced('Lowest, 7 days', state.answeredBasis)),
            h('th', {}, 'Last scrape'),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((e) =>
            h(
              'tr',
              { 'data-event-id': e.id },
              h(
                'td',
                {},
                h('a', { href: `/events/${e.id}` }, e.name),
                e.tracked ? null : h('span', { class: 'muted' }, ' (not tracked)'),
                e.eventStatus && e.eventStatus !== 'onsale'
                  ? h('div', { class: 'small' }, status(e.eventStatus), e.stoppedReason ? ` ${e.stoppedReason}` : '')
                  : null,
              ),
              h('td', {}, eventDate(e)),
              h('td', {}, [e.venue, e.city].filter(Boolean).join(', ') || '–'),
              markets.map((m) => {
                const x = e.marketplaces.find((y) => y.source === m);
                if (!x) return h('td', { class: 'num muted' }, '');
                // The cheapest marketplace on the basis shown (one currency only: never compared across two).
                const cheapest = x.live && x === cheapestOf(e);
                return h(
                  'td',
                  { class: cheapest ? 'num cheapest' : 'num' },
                  x.live
                    ? h(
                        'div',
                        { class: 'price' },
                        money(x.lowest, x.currency),
                        cheapest ? h('span', { class: 'tag', title: `cheapest ${basisLabel(state.answeredBasis)}` }, ' cheapest') : null,
                        x.status !== 'ok' ? status(x.status) : null,
                      )
                    : // A cancelled or postponed event: its last figure, struck, never as a live price.
                      h('div', { class: 'price muted', title: 'not a live price' }, h('s', {}, money(x.lastLowest, x.currency))),
                  h('div', { class: 'small' }, '24h ', change(x.change24h), ' · 7d ', change(x.change7d)),
                );
              }),
              h('td', {}, sparkline(e.sparkline, basisLabel(state.answeredBasis))),
              h('td', {}, h('div', {}, ago(e.lastScrapeAt)), status(e.lastStatus)),
            ),
          ),
        ),
      ),
    );
  }
  show(
    h('h1', {}, 'Events'),
    h(
      'div',
      { class: 'controls' },
      h('input', {
        id: 'filter',
        type: 'search',
        placeholder: 'Filter by name, venue, city, id or marketplace id',
        oninput: (ev) => ((state.filter = ev.target.value), draw()),
      }),
      h(
        'label',
        {},
        'Sort by ',
        h(
          'select',
          { id: 'sort', onchange: (ev) => ((state.sort = ev.target.value), draw()) },
          [
            ['date', 'date'],
            ['name', 'name'],
            ['lowest', 'lowest price'],
            ['change24h', 'change 24 h'],
            ['change7d', 'change 7 d'],
            ['scraped', 'last scrape'],
          ].map(([v, t]) => h('option', { value: v }, t)),
        ),
      ),
      basisSwitch(state.basis, (b) => ((state.basis = b), load().catch(fail))),
      h(
        'label',
        {},
        h('input', { type: 'checkbox', id: 'all', onchange: (ev) => ((state.all = ev.target.checked), load().catch(fail)) }),
        ' include untracked and past events',
      ),
    ),
    table,
  );
  await load();
}
