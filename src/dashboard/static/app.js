// Ticket Tracker dashboard front end: plain browser JavaScript, no build step. It reads the JSON
// API (/api/..., see docs/dashboard.md) and draws tables with the DOM and charts with uPlot (served from
// node_modules). Charts are kept in window.ttCharts so that tests and curious users can read
// exactly what is drawn; each chart's container carries data-state="drawn" once drawn.
'use strict';

(function () {
  const main = document.getElementById('main');
  const page = document.body.dataset.page;
  const COLORS = { stubhub: '#1f77b4', vividseats: '#d62728', seatgeek: '#2ca02c', ticketmaster: '#9467bd' };
  const colorOf = (s) => COLORS[s] || '#555';
  window.ttCharts = {};

  /** h('td', { class: 'num' }, 'text', child): an element; strings become text nodes (never HTML). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
    return el;
  }

  /** Replaces the page body; null/undefined children (optional sections) are left out, never printed. */
  const show = (...children) => main.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));

  async function api(path) {
    const res = await fetch(path, { credentials: 'same-origin' });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || `${res.status} ${res.statusText}`);
    return body;
  }

  const money = (v, cur) => (v === null || v === undefined ? '–' : `${cur && cur !== 'USD' ? cur + ' ' : '$'}${Number(v).toFixed(2)}`);
  const when = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '–');
  const ago = (iso) => {
    if (!iso) return 'never';
    const m = Math.round((Date.now() - new Date(iso).getTime()) / 60000);
    return m < 60 ? `${m} min ago` : m < 48 * 60 ? `${Math.round(m / 60)} h ago` : `${Math.round(m / 1440)} d ago`;
  };
  const eventDate = (e) =>
    !e.startsAt || e.startPrecision === 'tba'
      ? 'TBA'
      : new Date(e.startsAt).toLocaleString(undefined, {
          dateStyle: 'medium',
          ...(e.startPrecision === 'time' ? { timeStyle: 'short' } : {}),
          timeZone: e.timezone || 'UTC',
        }) + (e.startPrecision === 'date' ? ' (time TBA)' : '');
  function change(c) {
    if (!c) return h('span', { class: 'muted' }, '–');
    const cls = c.change > 0 ? 'up' : c.change < 0 ? 'down' : 'flat';
    const arrow = c.change > 0 ? '▲' : c.change < 0 ? '▼' : '•';
    return h(
      'span',
      { class: cls, title: `${c.change >= 0 ? '+' : ''}${c.change.toFixed(2)}` },
      `${arrow} ${c.percent === null ? '' : Math.abs(c.percent).toFixed(1) + '%'}`,
    );
  }
  function status(s) {
    return h('span', { class: `status status-${s}` }, s);
  }
  function fail(err) {
    main.replaceChildren(h('p', { class: 'error' }, `Could not load: ${err.message}`));
  }

  /** A tiny inline SVG line of [ms, price] points. */
  function sparkline(points) {
    if (!points || points.length < 2) return h('span', { class: 'muted' }, '–');
    const w = 120,
      hh = 28;
    const xs = points.map((p) => p[0]),
      ys = points.map((p) => p[1]);
    const x0 = Math.min(...xs),
      x1 = Math.max(...xs),
      y0 = Math.min(...ys),
      y1 = Math.max(...ys);
    const sx = (x) => ((x - x0) / (x1 - x0 || 1)) * (w - 2) + 1;
    const sy = (y) => hh - 1 - ((y - y0) / (y1 - y0 || 1)) * (hh - 2);
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', w);
    svg.setAttribute('height', hh);
    svg.setAttribute('class', 'spark');
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' '));
    svg.append(line);
    const title = document.createElementNS(ns, 'title');
    title.textContent = `lowest over 7 days: ${y0.toFixed(2)} – ${y1.toFixed(2)}`;
    svg.append(title);
    return svg;
  }

  // ---------- Events ----------
  async function eventsPage() {
    const state = { filter: '', sort: 'date', all: false, events: [] };
    const table = h('div', { id: 'events-table' });
    const load = async () => {
      state.events = (await api(`/api/events?all=${state.all}`)).events;
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
              markets.map((m) => h('th', { class: 'num' }, m)),
              h('th', {}, 'Lowest, 7 days'),
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
                  return h(
                    'td',
                    { class: 'num' },
                    x.live
                      ? h('div', { class: 'price' }, money(x.lowest, x.currency), x.status !== 'ok' ? status(x.status) : null)
                      : // A cancelled or postponed event: its last figure, struck, never as a live price.
                        h('div', { class: 'price muted', title: 'not a live price' }, h('s', {}, money(x.lastLowest, x.currency))),
                    h('div', { class: 'small' }, '24h ', change(x.change24h), ' · 7d ', change(x.change7d)),
                  );
                }),
                h('td', {}, sparkline(e.sparkline)),
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

  // ---------- Event ----------
  /** uPlot data from rows: x = bucket seconds; one series per (source, field). */
  function alignSeries(rows, fields) {
    const xs = [...new Set(rows.map((r) => Date.parse(r.bucket) / 1000))].sort((a, b) => a - b);
    const index = new Map(xs.map((x, i) => [x, i]));
    const sources = [...new Set(rows.map((r) => r.source))].sort();
    const series = [];
    const data = [xs];
    for (const s of sources) {
      for (const f of fields) {
        const ys = new Array(xs.length).fill(null);
        for (const r of rows) if (r.source === s && r[f.key] !== null) ys[index.get(Date.parse(r.bucket) / 1000)] = r[f.key];
        if (ys.every((y) => y === null)) continue;
        data.push(ys);
        series.push({
          label: `${s} ${f.label}`,
          source: s,
          field: f.key,
          stroke: colorOf(s),
          dash: f.dash,
          width: f.width || 2,
          scale: f.scale || 'y',
          spanGaps: true,
          points: { show: xs.length < 60 },
        });
      }
    }
    return { data, series };
  }

  function drawChart(container, name, built, axes, meta, xRange) {
    const old = window.ttCharts[name];
    if (old) old.destroy();
    container.replaceChildren();
    container.dataset.state = 'empty';
    if (built.data[0].length === 0) {
      container.append(h('p', { class: 'muted empty' }, 'No data in this range.'));
      window.ttCharts[name] = null;
      container.dataset.state = 'drawn';
      Object.assign(container.dataset, meta);
      return;
    }
    const width = Math.max(320, container.clientWidth || 900);
    const opts = {
      width,
      height: 320,
      series: [{ label: 'time', value: (u, v) => (v === null ? '' : new Date(v * 1000).toLocaleString()) }, ...built.series],
      axes,
      scales: { x: { time: true } },
      legend: { live: true },
    };
    const chart = new uPlot(opts, built.data, container);
    // The requested period, so that one point or a gap does not stretch the axis to years.
    if (xRange)
      chart.setScale('x', {
        min: Math.min(xRange[0], built.data[0][0]),
        max: Math.max(xRange[1], built.data[0][built.data[0].length - 1]),
      });
    window.ttCharts[name] = chart;
    // Milliseconds from navigation start to the first chart drawn (the dashboard bench reads it).
    if (window.ttFirstChartMs === undefined) window.ttFirstChartMs = performance.now();
    Object.assign(container.dataset, meta);
    container.dataset.state = 'drawn';
  }

  async function eventPage() {
    const ref = decodeURIComponent(location.pathname.split('/')[2] || '');
    const info = await api(`/api/events/${encodeURIComponent(ref)}`);
    const e = info.event;
    const id = e.id;
    const params = new URLSearchParams(location.search);
    const state = {
      zone: params.get('zone') || '',
      quantity: params.get('quantity') || '1',
      bucket: params.get('bucket') || '1 hour',
      days: params.get('days') || '7',
    };
    const historyBox = h('div', { id: 'history-chart', class: 'chart' });
    const availBox = h('div', { id: 'availability-chart', class: 'chart' });
    const sectionsBox = h('div', { id: 'sections', class: 'scroll' });
    const listingsBox = h('div', { id: 'listings', class: 'scroll' });
    const extraBox = h('div', { id: 'event-extra' });
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
    const priceAxes = [{}, { label: 'price', values: (u, vals) => vals.map((v) => (v === null ? '' : '$' + v)), size: 70 }];

    async function drawCharts() {
      const q = new URLSearchParams({ days: state.days, bucket: state.bucket, quantity: state.quantity });
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
        alignSeries(hist.rows, fields),
        priceAxes,
        {
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
        alignSeries(av.rows, avFields),
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
              ['Zone', 'Section', 'Marketplace', 'Lowest', 'Latest', 'Average', 'Highest', 'For 2', 'For 4', 'Tickets', 'Last seen'],
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
              ['Marketplace', 'Zone', 'Section', 'Row', 'Qty', 'Splits', 'Price', 'All-in', 'Captured'],
              lis.rows.map((r) => [
                r.source,
                r.zone,
                r.section,
                r.row ?? '–',
                r.quantity,
                r.splits.length ? r.splits.join(',') : 'any',
                money(r.pricePerTicket, r.currency),
                money(r.allInPrice, r.currency),
                ago(r.capturedAt),
              ]),
            ),
      );
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
        { class: 'cards' },
        latestAll.map((l) =>
          h(
            'div',
            { class: 'card', style: `border-top: 3px solid ${colorOf(l.source)}` },
            h('div', { class: 'muted' }, l.source),
            l.live
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
        'Solid: lowest price per ticket (or lowest total for the group size); dashed: average price per ticket.',
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
          h(
            'a',
            { href: info.allWorkflowsUrl, target: '_blank', rel: 'noopener' },
            'all scrape workflows of this event in the Temporal UI',
          ),
        ),
      ),
    );
    // The charts first; the tables load beside them.
    await Promise.all([
      drawCharts(),
      api(`/api/events/${id}/sections?days=7`).then((r) => {
        sec = r;
        drawSections();
      }),
      api(`/api/events/${id}/listings?limit=50`).then(drawListings),
      eventAlerts(id, extraBox),
    ]);
  }

  function scrollTable(headers, rows) {
    return h('div', { class: 'scroll tall' }, table(headers, rows));
  }

  function table(headers, rows) {
    return h(
      'table',
      { class: 'grid' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((c) => h('td', {}, c)),
          ),
        ),
      ),
    );
  }

  // ---------- Runs ----------
  async function runsPage() {
    const hours = 7 * 24;
    const r = await api(`/api/runs?limit=200&hours=${hours}`);
    const box = h('div', { id: 'runs-chart', class: 'chart' });
    show(
      h('h1', {}, 'Runs'),
      h('h2', {}, 'Runs and failures per hour, last 7 days'),
      box,
      h('h2', {}, 'Failures by marketplace and kind'),
      r.byMarketplaceAndKind.length === 0
        ? h('p', { class: 'muted' }, 'No failures in the last 7 days.')
        : table(
            ['Marketplace', 'Kind', 'Failures'],
            r.byMarketplaceAndKind.map((f) => [f.marketplace, f.kind, f.count]),
          ),
      h('h2', {}, 'Latest runs'),
      r.runs.length === 0
        ? h('p', { class: 'muted' }, 'No runs yet.')
        : table(
            ['Cycle', 'Status', 'Started', 'Duration', 'Events', 'Errors'],
            r.runs.map((x) => [
              h('a', { href: x.workflowUrl, target: '_blank', rel: 'noopener', title: `workflow ${x.workflowId}` }, x.cycleId),
              status(x.status),
              when(x.startedAt),
              x.durationMs === null ? '–' : `${(x.durationMs / 1000).toFixed(1)} s`,
              x.eventsScraped,
              x.errorsCount,
            ]),
          ),
      h('h2', {}, 'Latest failures'),
      r.failures.length === 0
        ? h('p', { class: 'muted' }, 'None.')
        : table(
            ['At', 'Event', 'Marketplace', 'Kind', 'Message', 'Workflow'],
            r.failures
              .slice(0, 100)
              .map((f) => [
                when(f.at),
                f.eventId === null ? '–' : h('a', { href: `/events/${f.eventId}` }, `#${f.eventId}`),
                f.marketplace ?? '–',
                f.kind,
                f.message,
                f.workflowUrl ? h('a', { href: f.workflowUrl, target: '_blank', rel: 'noopener' }, 'open') : '–',
              ]),
          ),
    );
    const hour = 3600;
    const start = Math.floor(Date.now() / 1000 / hour) * hour - hours * hour;
    const xs = Array.from({ length: hours + 1 }, (_, i) => start + i * hour);
    const runs = new Array(xs.length).fill(0);
    const errs = new Array(xs.length).fill(0);
    const slot = (iso) => Math.floor((Date.parse(iso) / 1000 - start) / hour);
    for (const x of r.runs) {
      const i = slot(x.startedAt);
      if (i >= 0 && i < xs.length) runs[i]++;
    }
    for (const f of r.failures) {
      const i = slot(f.at);
      if (i >= 0 && i < xs.length) errs[i]++;
    }
    const bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 20] }) : undefined;
    drawChart(
      box,
      'runs',
      {
        data: [xs, runs, errs],
        series: [
          { label: 'runs', stroke: '#1f77b4', fill: 'rgba(31,119,180,0.4)', paths: bars, points: { show: false } },
          { label: 'failures', stroke: '#d62728', fill: 'rgba(214,39,40,0.4)', paths: bars, points: { show: false } },
        ],
      },
      [{}, { label: 'count', size: 50, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }],
      { points: String(r.runs.length + r.failures.length) },
    );
  }

  // ---------- Alerts ----------
  /** A percentage rounded to one decimal first, so a change that rounds to zero reads "0.0%" (never "-0.0%"). */
  const round1 = (v) => Math.round(Number(v) * 10) / 10 || 0;
  const pct = (v) => (v === null || v === undefined ? '–' : `${round1(v) > 0 ? '+' : ''}${round1(v).toFixed(1)}%`);
  const trendClass = (v) => (v === null || v === undefined || round1(v) === 0 ? 'flat' : round1(v) > 0 ? 'up' : 'down');
  const deliveries = (a) =>
    a.deliveries.length === 0
      ? h('span', { class: 'muted' }, 'not delivered yet')
      : a.deliveries.map((d) =>
          h('div', { class: 'small' }, `${d.channel} #${d.attempt}: `, status(d.outcome), d.detail ? ` ${d.detail}` : ''),
        );

  /** The event page's price changes and alerts fired (last 7 days). */
  async function eventAlerts(id, box) {
    const r = await api(`/api/events/${id}/alerts?days=7&minPercent=0.01`);
    const changes = r.changes.filter((c) => c.quantity === 1);
    box.replaceChildren(
      h('h2', {}, 'Price changes, last 7 days (lowest price per ticket)'),
      changes.length === 0
        ? h('p', { class: 'muted' }, 'No price changes recorded in the last 7 days.')
        : h(
            'div',
            { class: 'scroll', id: 'changes' },
            table(
              ['At', 'Marketplace', 'Zone', 'From', 'To', 'Change', 'Tickets'],
              changes
                .slice(0, 200)
                .map((c) => [
                  when(c.capturedAt),
                  c.marketplace,
                  c.zone,
                  money(c.fromPrice, c.currency),
                  money(c.toPrice, c.currency),
                  h('span', { class: trendClass(c.percent) }, pct(c.percent)),
                  `${c.fromTickets ?? '?'} → ${c.toTickets ?? '?'}`,
                ]),
            ),
          ),
      h('h2', {}, 'Alerts fired, last 7 days'),
      r.alerts.length === 0
        ? h('p', { class: 'muted' }, 'No alert fired for this event in the last 7 days.')
        : scrollTable(
            ['At', 'Rule', 'Marketplace', 'Zone', 'Message', 'Deliveries'],
            r.alerts.map((a) => [when(a.triggeredAt), a.rule ?? a.kind, a.marketplace ?? '–', a.zone ?? '–', a.message, deliveries(a)]),
          ),
    );
  }

  // ---------- Alerts ----------
  async function alertsPage() {
    const r = await api('/api/alerts?days=30&limit=500');
    show(
      h('h1', {}, 'Alerts'),
      r.brokenChannels.length === 0
        ? null
        : h(
            'p',
            { class: 'error' },
            `Channels skipped until fixed: ${r.brokenChannels.map((b) => `${b.channel} (${b.reason})`).join('; ')}`,
          ),
      h('h2', {}, 'Rules'),
      r.rules.length === 0
        ? h('p', { class: 'muted' }, 'No rules yet: add one with `ticket-tracker alerts add` or `alerts apply FILE`.')
        : table(
            ['Rule', 'Scope', 'Condition', 'Channels', 'State', 'Last firing', 'Firings'],
            r.rules.map((x) => [
              x.name,
              x.eventId === null
                ? x.scope
                : h('span', {}, h('a', { href: `/events/${x.eventId}` }, `event ${x.eventId}`), x.scope.replace(/^event \d+/, '')),
              x.conditionText,
              x.channels.join(', '),
              status(x.paused ? 'paused' : 'active'),
              x.lastFiredAt ? `${when(x.lastFiredAt)} (${ago(x.lastFiredAt)})` : 'never',
              x.firings,
            ]),
          ),
      h('h2', {}, `Notification log, last ${r.days} days`),
      r.log.length === 0
        ? h('p', { class: 'muted' }, 'Nothing notified in this period.')
        : scrollTable(
            ['At', 'Rule', 'Event', 'Marketplace', 'Zone', 'Message', 'Deliveries'],
            r.log.map((a) => [
              when(a.triggeredAt),
              a.rule ?? a.kind,
              a.eventId === null ? '–' : h('a', { href: `/events/${a.eventId}` }, `#${a.eventId}`),
              a.marketplace ?? '–',
              a.zone ?? '–',
              a.message,
              deliveries(a),
            ]),
          ),
    );
  }

  const pages = { events: eventsPage, event: eventPage, runs: runsPage, alerts: alertsPage };
  (pages[page] || eventsPage)().catch(fail);
})();
