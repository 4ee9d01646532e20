// The Alerts page (/alerts), and the alerts section of the Event page.
import { api } from '../api.js';
import { h, scrollTable, show, status, table } from '../dom.js';
import { ago, basisLabel, money, percent, priced, trendClass, when } from '../format.js';

/** An alert's delivery attempts, one line each. */
const deliveries = (a) =>
  a.deliveries.length === 0
    ? h('span', { class: 'muted' }, 'not delivered yet')
    : a.deliveries.map((d) =>
        h('div', { class: 'small' }, `${d.channel} #${d.attempt}: `, status(d.outcome), d.detail ? ` ${d.detail}` : ''),
      );

/** The event page's price changes (on the page's basis) and alerts fired (last 7 days). */
export async function eventAlerts(id, box, basis = 'all-in') {
  const r = await api(`/api/events/${id}/alerts?days=7&minPercent=0.01&basis=${basis}`);
  const changes = r.changes.filter((c) => c.quantity === 1);
  box.replaceChildren(
    h('h2', {}, `Price changes, last 7 days (lowest price per ticket, ${basisLabel(r.basis)})`),
    changes.length === 0
      ? h('p', { class: 'muted' }, 'No price changes recorded in the last 7 days.')
      : h(
          'div',
          { class: 'scroll', id: 'changes' },
          table(
            ['At', 'Marketplace', 'Zone', priced('From', r.basis), priced('To', r.basis), 'Change', 'Tickets'],
            changes
              .slice(0, 200)
              .map((c) => [
                when(c.capturedAt),
                c.marketplace,
                c.zone,
                money(c.fromPrice, c.currency),
                money(c.toPrice, c.currency),
                h('span', { class: trendClass(c.percent) }, percent(c.percent)),
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

/** The Alerts page: rules, channels skipped as broken, the notification log of 30 days. */
export async function alertsPage() {
  const r = await api('/api/alerts?days=30&limit=500');
  show(
    h('h1', {}, 'Alerts'),
    r.brokenChannels.length === 0
      ? null
      : h('p', { class: 'error' }, `Channels skipped until fixed: ${r.brokenChannels.map((b) => `${b.channel} (${b.reason})`).join('; ')}`),
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
