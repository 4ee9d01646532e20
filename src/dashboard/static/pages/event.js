// The Event page (/events/EVENT, EVENT in any form the CLI takes).
import { api, marketplaces } from '../api.js';
import { alignSeries, drawChart } from '../charts.js';
import { fail, h, show, status, table } from '../dom.js';
import { ago, basisLabel, basisOfUrl, basisSwitch, eventDate, money, priced, when } from '../format.js';
import { eventAlerts } from './alerts.js';

/**
 * The Event page (/events/EVENT): the cheapest seats together, prices, charts, sections, listings,
 * alerts and workflows of one event, every price on the basis of the URL (`?basis=`, all-in when absent).
 */
export async function eventPage() {
  const ref = decodeURIComponent(location.pathname.split('/')[2] || '');
  const basis = basisOfUrl();
  const [info, { colorOf, labelOf, notGivenOn }] = await Promise.all([
    api(`/api/events/${encodeURIComponent(ref)}?basis=${basis}`),
    marketplaces(),
  ]);
  const e = info.event;
  const id = e.id;
  const params = new URLSearchParams(location.search);
  const state = {
    zone: params.get('zone') || '',
    quantity: params.get('quantity') || '1',
    bucket: params.get('bucket') || '1 hour',
    days: params.get('days') || '7',
  };
  if (basis !== 'all-in') state.basis = basis;
  const historyBox = h('div', { id: 'history-chart', class: 'chart' });
  const availBox = h('div', { id: 'availability-chart', class: 'chart' });
  const sectionsBox = h('div', { id: 'sections', class: 'scroll' });
  const listingsBox = h('div', { id: 'listings', class: 'scroll' });
  const extraBox = h('div', { id: 'event-extra' });
  const togetherBox = h('div', { id: 'together' }, h('p', { class: 'muted' }, 'Loading…'));
  const select = (idName, options, key) =>
    h(
      'select',
      {
        id: idName,
        onchange: (ev) => {
          state[key] = ev.target.value;
          const q = new URLSearchParams(state);
          if (!state.zone) q.delete('zone');
          history.replaceState(null, '', `${location.pathname}?${q}`);
          drawSections();
          drawCharts().catch(fail);
        },
      },
      options.map(([v, t]) => h('option', { value: v, selected: v === state[key] }, t)),
    );
  const priceAxes = (b, quantity) => [
    {},
    {
      label: priced(quantity === '1' ? 'Lowest per ticket' : `Lowest for ${quantity} together`, b),
      values: (u, vals) => vals.map((v) => (v === null ? '' : '$' + v)),
      size: 70,
    },
  ];

  async function drawCharts() {
    const q = new URLSearchParams({ days: state.days, bucket: state.bucket, quantity: state.quantity, basis });
    if (state.zone) q.set('zone', state.zone);
    const aq = new URLSearchParams({ days: state.days, bucket: state.bucket });
    if (state.zone) aq.set('zone', state.zone);
    // Both requests at once; the price chart is drawn as soon as its data is in.
    const avP = api(`/api/events/${id}/availability?${aq}`);
    avP.catch(() => undefined);
    const hist = await api(`/api/events/${id}/history?${q}`);
    const nowS = Date.now() / 1000;
    const xRange = [nowS - Number(state.days) * 86400, nowS];
    const fields =
      state.quantity === '1'
        ? [
            { key: 'lowest', label: 'lowest' },
            { key: 'average', label: 'average', dash: [6, 4], width: 1.5 },
          ]
        : [{ key: 'lowest', label: `lowest for ${state.quantity} together` }];
    drawChart(
      historyBox,
      'history',
      alignSeries(hist.rows, fields, colorOf),
      priceAxes(hist.basis, state.quantity),
      {
        basis: hist.basis,
        zone: hist.zone,
        quantity: String(hist.quantity),
        bucket: hist.bucket,
        points: String(hist.rows.length),
      },
      xRange,
    );

    const av = await avP;
    const avFields = [
      { key: 'ticketsAverage', label: 'tickets' },
      { key: 'listingsAverage', label: 'listings', dash: [6, 4], width: 1.5 },
    ];
    if (av.capacity) avFields.push({ key: 'shareOfCapacityPct', label: '% of capacity', dash: [2, 3], width: 1, scale: '%' });
    const avAxes = [{}, { label: 'tickets / listings', size: 70 }];
    if (av.capacity) avAxes.push({ scale: '%', side: 1, label: '% of capacity', grid: { show: false }, size: 50 });
    drawChart(
      availBox,
      'availability',
      alignSeries(av.rows, avFields, colorOf),
      avAxes,
      {
        zone: state.zone || 'ALL',
        points: String(av.rows.length),
      },
      xRange,
    );
  }

  let sec = { rows: [] };
  function drawSections() {
    const rows = sec.rows.filter((r) => !state.zone || r.zone === state.zone);
    sectionsBox.replaceChildren(
      rows.length === 0
        ? h('p', { class: 'muted' }, 'No sections scraped in the last 7 days.')
        : table(
            [
              'Zone',
              'Section',
              'Marketplace',
              ...['Lowest', 'Latest', 'Average', 'Highest', 'For 2', 'For 4'].map((t) => priced(t, sec.basis)),
              'Tickets',
              'Last seen',
            ],
            rows.map((r) => [
              r.zone,
              r.section,
              r.source,
              money(r.lowest),
              money(r.latestLowest),
              money(r.average),
              money(r.highest),
              money(r.lowest2),
              money(r.lowest4),
              r.latestTickets ?? '–',
              ago(r.lastSeen),
            ]),
          ),
    );
  }
  function drawListings(lis) {
    listingsBox.replaceChildren(
      lis.rows.length === 0
        ? h('p', { class: 'muted' }, 'No listings scraped yet.')
        : table(
            // Both buyer's prices, all-in first (16 CFR 464); never the seller's net proceeds.
            ['Marketplace', 'Zone', 'Section', 'Row', 'Qty', 'Splits', 'All-in', 'Before fees', 'Captured'],
            lis.rows.map((r) => [
              r.source,
              r.zone,
              r.section,
              r.row ?? '–',
              r.quantity,
              r.splits.length ? r.splits.join(',') : 'any',
              money(r.allInPrice, r.currency),
              money(r.basePrice, r.currency),
              ago(r.capturedAt),
            ]),
          ),
    );
  }
  /** The together answer: per currency, the cheapest 1, 2 and 4 seats; the distinct supply; the marketplaces left out. */
  function drawTogether(t) {
    const kinds = { summary: 'summary only', listings: 'no listings in its latest scrape' };
    const name = (m) => labelOf(m);
    const perMarketplace = Object.entries(t.supply.perMarketplace)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([m, c]) => `${name(m)}: ${c.listings} listings / ${c.tickets} tickets`);
    const leftOut = t.together.flatMap((c) => c.sizes.map((s) => s.figure).filter(Boolean)).find((f) => f.leftOut.noPriceOnBasis > 0);
    // A table per currency (usually one), the supply line, then what is not in the figures.
    const parts = [
      t.together.length === 0
        ? h('p', { class: 'muted' }, 'No marketplace gave listings for this event yet.')
        : t.together.map((c) =>
            h(
              'table',
              { class: 'grid', 'data-currency': c.currency },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Seats', priced('Total', t.basis), priced('Per ticket', t.basis), 'Marketplace', 'Section', 'Row'].map((x) =>
                    h('th', {}, x),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                c.sizes.map(({ n, figure: f }) =>
                  h(
                    'tr',
                    { 'data-seats': n },
                    f
                      ? [
                          `${n} together`,
                          money(f.total, f.currency),
                          money(f.perTicket, f.currency),
                          name(f.marketplace),
                          f.section,
                          f.row ?? '–',
                        ].map((x, i) => h('td', { class: i === 1 || i === 2 ? 'num' : null }, x))
                      : [h('td', {}, `${n} together`), h('td', { colspan: 5, class: 'muted' }, `no listing sells ${n} together`)],
                  ),
                ),
              ),
            ),
          ),
      h(
        'p',
        { id: 'supply', class: 'small' },
        `distinct supply: ${t.supply.distinctListings} listings / ${t.supply.distinctTickets} tickets (${t.supply.links.length} listed on more than one marketplace)`,
        perMarketplace.length ? ` · ${perMarketplace.join(' · ')}` : '',
      ),
      leftOut
        ? h('p', { class: 'small muted' }, `${leftOut.leftOut.noPriceOnBasis} listings without a price ${basisLabel(t.basis)} left out.`)
        : null,
      t.withoutListings.length
        ? h(
            'p',
            { id: 'without-listings', class: 'small muted' },
            `Not in these figures (no listings): ${t.withoutListings.map((w) => `${name(w.marketplace)} (${kinds[w.kind] ?? w.kind})`).join(', ')}`,
          )
        : null,
    ];
    togetherBox.replaceChildren(...parts.flat().filter((x) => x !== null));
  }
  const latestAll = info.latest.filter((l) => l.zone === 'ALL');
  show(
    h('p', {}, h('a', { href: '/events' }, '← Events')),
    h('h1', {}, e.name),
    h(
      'p',
      { class: 'muted' },
      `${eventDate(e)} · ${[e.venue, e.city, e.state, e.country].filter(Boolean).join(', ') || 'venue unknown'}${e.capacity ? ` · capacity ${e.capacity}` : ''} · event #${e.id}`,
    ),
    e.eventStatus && e.eventStatus.status !== 'onsale'
      ? h(
          'p',
          {},
          status(e.eventStatus.status),
          ` stated by ${e.eventStatus.marketplace}${e.eventStatus.rescheduledStartsAt ? `, new start ${e.eventStatus.rescheduledStartsAt}` : ''}${e.stoppedReason ? `: ${e.stoppedReason}` : ''}`,
        )
      : null,
    h(
      'div',
      { class: 'controls' },
      basisSwitch(basis, () => eventPage().catch(fail)),
    ),
    h('h2', {}, 'Cheapest seats together'),
    togetherBox,
    h(
      'div',
      { class: 'cards' },
      latestAll.map((l) =>
        h(
          'div',
          { class: 'card', style: `border-top: 3px solid ${colorOf(l.source)}` },
          h('div', { class: 'muted', title: l.source }, labelOf(l.source)),
          h('div', { class: 'small basis' }, priced('Lowest', info.basis)),
          l.lowest === null && notGivenOn(l.source, info.basis)
            ? // A basis the marketplace does not give: say so, never a bare dash (docs/prices.md).
              h('div', { class: 'big muted', title: notGivenOn(l.source, info.basis) }, 'not given')
            : l.live
              ? h('div', { class: 'big' }, money(l.lowest, l.currency))
              : h('div', { class: 'big muted', title: 'not a live price' }, h('s', {}, money(l.lowest, l.currency))),
          l.eventStatus && l.eventStatus !== 'onsale' ? status(l.eventStatus) : null,
          h(
            'div',
            { class: 'small' },
            `${l.tickets === null && l.listings === null ? 'no listing data' : `${l.tickets ?? '?'} tickets, ${l.listings ?? '?'} listings`} · ${ago(l.capturedAt)}`,
          ),
          l.mark ? status(l.mark) : null,
        ),
      ),
    ),
    h(
      'div',
      { class: 'controls' },
      h('label', {}, 'Zone ', select('zone', [['', 'whole event'], ...info.zones.map((z) => [z, z])], 'zone')),
      h(
        'label',
        {},
        'Group size ',
        select(
          'quantity',
          [
            ['1', '1 ticket'],
            ['2', '2 together'],
            ['4', '4 together'],
          ],
          'quantity',
        ),
      ),
      h(
        'label',
        {},
        'Bucket ',
        select(
          'bucket',
          ['5 minutes', '15 minutes', '1 hour', '6 hours', '1 day', '1 week'].map((b) => [b, b]),
          'bucket',
        ),
      ),
      h(
        'label',
        {},
        'Range ',
        select(
          'days',
          [
            ['1', '1 day'],
            ['2', '2 days'],
            ['7', '7 days'],
            ['30', '30 days'],
            ['90', '90 days'],
            ['365', '1 year'],
          ],
          'days',
        ),
      ),
    ),
    h('h2', {}, 'Price history'),
    h(
      'p',
      { class: 'small muted' },
      `Solid: lowest price per ticket (or lowest total for the group size); dashed: average price per ticket; ${basisLabel(basis)}.`,
    ),
    historyBox,
    h('h2', {}, 'Availability'),
    availBox,
    extraBox,
    h('h2', {}, 'Sections, last 7 days (of the zone chosen above)'),
    sectionsBox,
    h('h2', {}, 'Latest listings'),
    listingsBox,
    h('h2', {}, 'Workflows'),
    h(
      'ul',
      { id: 'workflows' },
      info.workflows.map((w) =>
        h(
          'li',
          {},
          h('a', { href: w.url, target: '_blank', rel: 'noopener' }, w.workflowId),
          ` · ${when(w.startedAt)} · ${w.marketplaces.join(', ')}`,
        ),
      ),
      h(
        'li',
        {},
        h('a', { href: info.allWorkflowsUrl, target: '_blank', rel: 'noopener' }, 'all scrape workflows of this event in the Temporal UI'),
      ),
    ),
  );
  // The charts first; the tables load beside them.
  await Promise.all([
    drawCharts(),
    api(`/api/events/${id}/together?seats=1,2,4&basis=${basis}`).then(drawTogether),
    api(`/api/events/${id}/sections?days=7&basis=${basis}`).then((r) => {
      sec = r;
      drawSections();
    }),
    api(`/api/events/${id}/listings?limit=50&basis=${basis}`).then(drawListings),
    eventAlerts(id, extraBox, basis),
  ]);
}
