// The Cycles page (/cycles; /runs before).
import { api } from '../api.js';
import { drawChart } from '../charts.js';
import { h, show, status, table } from '../dom.js';
import { when } from '../format.js';

/** The Cycles page: cycles and failures per hour, failures by marketplace and kind, the latest cycles and failures. */
export async function cyclesPage() {
  const hours = 7 * 24;
  const r = await api(`/api/cycles?limit=200&hours=${hours}`);
  const box = h('div', { id: 'cycles-chart', class: 'chart' });
  show(
    h('h1', {}, 'Cycles'),
    h('h2', {}, 'Cycles and failures per hour, last 7 days'),
    box,
    h('h2', {}, 'Failures by marketplace and kind'),
    r.byMarketplaceAndKind.length === 0
      ? h('p', { class: 'muted' }, 'No failures in the last 7 days.')
      : table(
          ['Marketplace', 'Kind', 'Failures'],
          r.byMarketplaceAndKind.map((f) => [f.marketplace, f.kind, f.count]),
        ),
    h('h2', {}, 'Latest cycles'),
    r.cycles.length === 0
      ? h('p', { class: 'muted' }, 'No cycles yet.')
      : table(
          ['Cycle', 'Status', 'Started', 'Duration', 'Events', 'Errors'],
          r.cycles.map((x) => [
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
  const cycles = new Array(xs.length).fill(0);
  const errs = new Array(xs.length).fill(0);
  const slot = (iso) => Math.floor((Date.parse(iso) / 1000 - start) / hour);
  for (const x of r.cycles) {
    const i = slot(x.startedAt);
    if (i >= 0 && i < xs.length) cycles[i]++;
  }
  for (const f of r.failures) {
    const i = slot(f.at);
    if (i >= 0 && i < xs.length) errs[i]++;
  }
  const bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 20] }) : undefined;
  drawChart(
    box,
    'cycles',
    {
      data: [xs, cycles, errs],
      series: [
        { label: 'cycles', stroke: '#1f77b4', fill: 'rgba(31,119,180,0.4)', paths: bars, points: { show: false } },
        { label: 'failures', stroke: '#d62728', fill: 'rgba(214,39,40,0.4)', paths: bars, points: { show: false } },
      ],
    },
    [{}, { label: 'count', size: 50, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }],
    { points: String(r.cycles.length + r.failures.length) },
  );
}
