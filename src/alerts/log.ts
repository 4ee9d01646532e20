import type { Db } from '../db/pool';
import { alertMessageSchema, type AlertMessage } from './message';

/**
 * The notification log: alerts (firings of rules and operator alerts), each delivery attempt
 * with its outcome (alert_deliveries), and the channels marked broken (broken_channels).
 */

export type LoggedOutcome = 'delivered' | 'retry' | 'permanent' | 'skipped';

/** One attempt of one alert on one channel. `attempt` is Temporal's attempt number (1, 2, ...). */
export async function recordDelivery(
  db: Db,
  d: { alertId: number; channel: string; attempt: number; outcome: LoggedOutcome; detail: string | null },
): Promise<void> {
  await db.query(`INSERT INTO alert_deliveries (alert_id, channel, attempt, outcome, detail) VALUES ($1, $2, $3, $4, $5)`, [
    d.alertId,
    d.channel,
    d.attempt,
    d.outcome,
    d.detail === null ? null : d.detail.slice(0, 2000),
  ]);
  if (d.outcome === 'delivered') await db.query(`UPDATE alerts SET sent_at = coalesce(sent_at, now()) WHERE id = $1`, [d.alertId]);
}

/** Whether the alert was already delivered on the channel (a retried activity must not send it again). */
export async function wasDelivered(db: Db, alertId: number, channel: string): Promise<boolean> {
  const r = await db.query(`SELECT 1 FROM alert_deliveries WHERE alert_id = $1 AND channel = $2 AND outcome = 'delivered' LIMIT 1`, [
    alertId,
    channel,
  ]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * The message stored with an alert (alerts.details for price alerts; operator alerts keep their
 * text in `message`). Throws when the alert does not exist.
 */
export async function loadAlertMessage(db: Db, alertId: number): Promise<AlertMessage> {
  const r = await db.query<{ kind: string; message: string; details: unknown; dedupe_key: string }>(
    `SELECT kind, message, details, dedupe_key FROM alerts WHERE id = $1`,
    [alertId],
  );
  const row = r.rows[0];
  if (!row) throw new Error(`no alert ${alertId}`);
  // Operator alerts keep their figures beside the message under `context`.
  const { context, ...stored } = (row.details ?? {}) as Record<string, unknown>;
  void context;
  const parsed = alertMessageSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const [title, ...rest] = row.message.split('\n');
  return {
    kind: row.kind === 'price' ? 'price' : 'operator',
    severity: row.kind === 'operator_format_drift' ? 'critical' : 'warning',
    title: title ?? row.kind,
    text: rest.join('\n'),
    dedupeKey: row.dedupe_key,
  };
}

/** Channels marked broken, by name, with why. */
export async function brokenChannels(db: Db): Promise<Map<string, string>> {
  const r = await db.query<{ channel: string; reason: string }>(`SELECT channel, reason FROM broken_channels`);
  return new Map(r.rows.map((x) => [x.channel, x.reason]));
}

/** Marks a channel broken; true when it was not already (the caller then tells the operator, once). */
export async function markBroken(db: Db, channel: string, reason: string): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO broken_channels (channel, reason, operator_told_at) VALUES ($1, $2, now()) ON CONFLICT (channel) DO NOTHING RETURNING channel`,
    [channel, reason.slice(0, 2000)],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Clears a channel's broken mark (after a test message it accepted); true when it was marked. */
export async function clearBroken(db: Db, channel: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM broken_channels WHERE channel = $1`, [channel]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * Records an operator alert (no rule) once per dedupe key; returns its id, or null when the key
 * was recorded already (a retry, or a later call in the same window).
 */
export async function recordOperatorAlert(
  db: Db,
  a: { kind: string; dedupeKey: string; message: AlertMessage; marketplace?: string | null; details?: Record<string, unknown> },
): Promise<number | null> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO alerts (kind, marketplace, dedupe_key, message, details, triggered_at, channels)
     VALUES ($1, $2, $3, $4, $5, now(), '{}') ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [
      a.kind,
      a.marketplace ?? null,
      a.dedupeKey,
      `${a.message.title}\n${a.message.text}`.slice(0, 4000),
      { ...a.message, ...(a.details ? { context: a.details } : {}) },
    ],
  );
  return r.rows[0] ? Number(r.rows[0].id) : null;
}

export interface AlertHistoryRow {
  id: number;
  triggeredAt: string;
  kind: string;
  rule: string | null;
  eventId: number | null;
  marketplace: string | null;
  zone: string | null;
  scrapeKey: string | null;
  message: string;
  deliveries: { channel: string; attempt: number; outcome: LoggedOutcome; detail: string | null; at: string }[];
}

/** Alerts of the last `days` days, newest first, each with every delivery attempt. */
export async function alertHistory(db: Db, opts: { days: number; now?: Date; limit?: number }): Promise<AlertHistoryRow[]> {
  const since = new Date((opts.now ?? new Date()).getTime() - opts.days * 86_400_000);
  const r = await db.query<{
    id: string;
    triggered_at: Date;
    kind: string;
    rule: string | null;
    event_id: string | null;
    marketplace: string | null;
    zone: string | null;
    scrape_key: string | null;
    message: string;
    deliveries: { channel: string; attempt: number; outcome: LoggedOutcome; detail: string | null; at: string }[];
  }>(
    `SELECT a.id, a.triggered_at, a.kind, r.name AS rule, a.event_id, a.marketplace, a.zone, a.scrape_key, a.message,
            coalesce((SELECT json_agg(json_build_object('channel', d.channel, 'attempt', d.attempt, 'outcome', d.outcome,
                                                        'detail', d.detail, 'at', d.attempted_at) ORDER BY d.id)
                        FROM alert_deliveries d WHERE d.alert_id = a.id), '[]'::json) AS deliveries
       FROM alerts a LEFT JOIN alert_rules r ON r.id = a.rule_id
      WHERE a.triggered_at >= $1
      ORDER BY a.triggered_at DESC, a.id DESC
      LIMIT $2`,
    [since, opts.limit ?? 1000],
  );
  return r.rows.map((row) => ({
    id: Number(row.id),
    triggeredAt: row.triggered_at.toISOString(),
    kind: row.kind,
    rule: row.rule,
    eventId: row.event_id === null ? null : Number(row.event_id),
    marketplace: row.marketplace,
    zone: row.zone,
    scrapeKey: row.scrape_key,
    message: row.message,
    deliveries: row.deliveries,
  }));
}
