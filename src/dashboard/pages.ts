import type { TemporalUi } from './temporal-links';

/**
 * The pages: one HTML shell each; the front end (static/app.js and the modules it imports) reads
 * the JSON API and draws the tables and uPlot charts. No build step.
 */
export const PAGES = [
  { name: 'events', route: '/events', title: 'Events' },
  { name: 'event', route: '/events/:event', title: 'Event' },
  { name: 'cycles', route: '/cycles', title: 'Cycles' },
  { name: 'alerts', route: '/alerts', title: 'Alerts' },
] as const;

export type PageName = (typeof PAGES)[number]['name'];

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderPage(name: PageName, ui: TemporalUi): string {
  const page = PAGES.find((p) => p.name === name)!;
  const nav = PAGES.filter((p) => p.name !== 'event')
    .map((p) => `<a href="${p.route}"${p.name === name ? ' class="current"' : ''}>${p.title}</a>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(page.title)} · Ticket Tracker</title>
<link rel="stylesheet" href="/static/uplot.css">
<link rel="stylesheet" href="/static/style.css">
</head>
<body data-page="${name}" data-temporal-ui="${escape(ui.baseUrl)}" data-namespace="${escape(ui.namespace)}">
<header><strong>Ticket Tracker</strong><nav>${nav}<a href="${escape(ui.baseUrl)}" target="_blank" rel="noopener">Temporal UI ↗</a></nav></header>
<main id="main"><p class="muted">Loading…</p></main>
<script src="/static/uplot.js"></script>
<script type="module" src="/static/app.js"></script>
</body>
</html>
`;
}
