import type { PriceBasis } from '../domain/price-basis';
import { listPriceChanges, type PriceChangeRow } from '../alerts/changes';
import { alertHistory, brokenChannels, type AlertHistoryRow } from '../alerts/log';
import { describeRule, listRules } from '../alerts/rules/store';
import type { AlertRule } from '../alerts/rules/types';
import type { Db } from '../db/pool';

/**
 * The Alerts page and the event page's changes and firings, read through the alerts' own
 * functions (src/alerts: listRules, alertHistory, listPriceChanges, brokenChannels, as the
 * `alerts` and `changes` commands); the last firing per rule is the one read added here.
 */
export interface RuleView extends AlertRule {
  scope: string;
  conditionText: string;
  lastFiredAt: Date | null;
  firings: number;
}

export interface AlertsView {
  rules: RuleView[];
  log: AlertHistoryRow[];
  brokenChannels: { channel: string; reason: string }[];
}

export async function loadAlerts(db: Db, opts: { days: number; limit: number }): Promise<AlertsView> {
  const [rules, last, log, broken] = await Promise.all([
    listRules(db),
    db.query<{ rule_id: string; at: Date; n: string }>(
      'SELECT rule_id, max(triggered_at) AS at, count(*) AS n FROM alerts WHERE rule_id IS NOT NULL GROUP BY rule_id',
    ),
    alertHistory(db, { days: opts.days, limit: opts.limit }),
    brokenChannels(db),
  ]);
  const byRule = new Map(last.rows.map((r) => [Number(r.rule_id), r]));
  return {
    rules: rules.map((r) => {
      const d = describeRule(r);
      const l = byRule.get(r.id);
      return { ...r, scope: d.scope, conditionText: d.condition, lastFiredAt: l?.at ?? null, firings: l ? Number(l.n) : 0 };
    }),
    log,
    brokenChannels: [...broken].map(([channel, reason]) => ({ channel, reason })),
  };
}

/** The event's price changes and the alerts fired for it over the last `days` days, newest first. */
export async function loadEventAlerts(
  db: Db,
  eventId: number,
  opts: { days: number; minPercent?: number; basis?: PriceBasis },
): Promise<{ changes: PriceChangeRow[]; alerts: AlertHistoryRow[] }> {
  const [changes, log] = await Promise.all([
    listPriceChanges(db, { eventId, days: opts.days, minPercent: opts.minPercent, ...(opts.basis ? { basis: opts.basis } : {}) }),
    alertHistory(db, { days: opts.days, limit: 5000 }),
  ]);
  return { changes, alerts: log.filter((a) => a.eventId === eventId) };
}
