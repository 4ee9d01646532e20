import { renderTable } from '../cli/output';
import { basisLabel } from '../domain/price-basis';
import type { TopSnapshot } from './snapshot';

/** Times on a frame: UTC, to the second. */
function clock(d: Date): string {
  return d.toISOString().slice(11, 19);
}

/** "3 min", "2 h 5 min", "40 s": a duration in words, for "in ..." and "... ago". */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/**
 * One frame of `ticket-tracker top` as plain text (no terminal codes): the tracker's phase,
 * cycle and next wake-up, the running cycle's progress, the error rate, the latest scrapes and
 * the lowest prices that moved most. Pure: the same snapshot gives the same text.
 */
export function renderFrame(s: TopSnapshot, opts: { intervalSeconds?: number } = {}): string {
  const now = s.at.getTime();
  const out: string[] = [];
  const every = opts.intervalSeconds ? `, every ${opts.intervalSeconds} s, q to quit` : '';
  out.push(`ticket-tracker top · ${s.at.toISOString().slice(0, 19).replace('T', ' ')} UTC${every}`);
  out.push('');
  if ('status' in s.tracker) {
    const t = s.tracker.status;
    const wake = t.nextWakeAt ? `${clock(new Date(t.nextWakeAt))} (in ${span(Date.parse(t.nextWakeAt) - now)})` : '-';
    out.push(
      `tracker    ${t.phase}${t.paused ? ' (paused)' : ''} · ${t.cycle} cycle${t.cycle === 1 ? '' : 's'} done · next wake-up ${wake}`,
    );
    const last = t.lastCycle;
    if (last)
      out.push(
        `last cycle ${last.eventsScraped}/${last.eventsDue} events, ${last.marketplacesOk} ok, ${last.marketplacesFailed} failed, ${last.listingsStored} listings, ended ${clock(new Date(last.finishedAt))}`,
      );
  } else {
    out.push(`tracker    ${s.tracker.unavailable}`);
  }
  if (s.running) {
    const r = s.running;
    out.push(
      `running    ${r.id} since ${clock(r.startedAt)} (${span(now - r.startedAt.getTime())}): ${r.eventsDone} of ${r.eventsDue} events done`,
    );
    const per = r.marketplaces.map((m) => `${m.marketplace} ${m.ok} ok ${m.failed} failed`).join(' · ');
    out.push(`           ${per || 'no marketplace done yet'}`);
  } else {
    out.push('running    no cycle running');
  }
  const e = s.errorRate;
  out.push(
    `errors     ${e.percent === null ? 'nothing ran' : `${e.percent} %`} in the last ${e.windowMinutes} min (${e.failed} failed attempts, ${e.stored} scrapes stored)`,
  );
  const b = basisLabel(s.basis);
  out.push('');
  out.push('latest scrapes');
  out.push(
    renderTable(s.latestScrapes, [
      { header: 'time', value: (r) => clock(r.capturedAt) },
      { header: 'event', value: (r) => `${r.eventId} ${r.event}`.slice(0, 36) },
      { header: 'marketplace', value: (r) => r.marketplace },
      { header: 'listings', value: (r) => r.listings, align: 'right' },
      { header: `lowest ${b}`, value: (r) => r.lowest, align: 'right' },
      { header: 'health', value: (r) => r.health },
    ]),
  );
  out.push('');
  out.push(`lowest prices (${b}) that moved most`);
  out.push(
    renderTable(s.movers, [
      { header: 'event', value: (r) => `${r.eventId} ${r.event}`.slice(0, 36) },
      { header: 'marketplace', value: (r) => r.marketplace },
      { header: 'before', value: (r) => r.previous, align: 'right' },
      { header: 'now', value: (r) => r.latest, align: 'right' },
      { header: 'change %', value: (r) => `${r.changePercent > 0 ? '+' : ''}${r.changePercent.toFixed(2)}`, align: 'right' },
      { header: 'at', value: (r) => clock(r.capturedAt) },
    ]),
  );
  return out.join('\n');
}
