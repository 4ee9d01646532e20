// Ticket Tracker dashboard front end: plain browser JavaScript modules, no build step. It reads
// the JSON API (/api/..., see docs/dashboard.md) and draws tables with the DOM and charts with
// uPlot (served from node_modules, loaded by its own script tag before this module). The page to
// draw is the body's data-page, set by the server (src/dashboard/pages.ts).
import { fail } from './dom.js';
import { alertsPage } from './pages/alerts.js';
import { cyclesPage } from './pages/cycles.js';
import { eventPage } from './pages/event.js';
import { eventsPage } from './pages/events.js';

const pages = { events: eventsPage, event: eventPage, cycles: cyclesPage, alerts: alertsPage };
(pages[document.body.dataset.page] || eventsPage)().catch(fail);
