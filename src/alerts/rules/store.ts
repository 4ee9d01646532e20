import type pg from 'pg';
import type { Db } from '../../db/pool';
import { withTransaction } from '../../db/pool';
import type { MarketplaceName } from '../../domain/listing';
import { basisLabel, type PriceBasis } from '../../domain/price-basis';
import type { AlertRule, Condition, RuleSpec } from './types';
import { describeCondition } from './evaluate';

type Queryable = Pick<pg.PoolClient, 'query'>;

interface RuleRow {
  id: string;
  name: string;
  event_id: string | null;
  marketplace: MarketplaceName | null;
  zone: string;
  quantity: number;
  condition: Condition;
  basis: PriceBasis;
  basis_kept: boolean;
  threshold: string | null;
  over_hours: string | null;
  cooldown_minutes: number | null;
  channels: string[];
  paused: boolean;
}

const COLUMNS = `id, name, event_id, marketplace, zone, quantity, condition, basis, basis_kept, threshold, over_hours, cooldown_minutes, channels, paused`;

function ruleOf(r: RuleRow): AlertRule {
  return {
    id: Number(r.id),
    name: r.name,
    eventId: r.event_id === null ? null : Number(r.event_id),
    marketplace: r.marketplace,
    zone: r.zone,
    quantity: r.quantity,
    condition: r.condition,
    basis: r.basis,
    basisKept: r.basis_kept,
    threshold: r.threshold === null ? null : Number(r.threshold),
    overHours: r.over_hours === null ? null : Number(r.over_hours),
    cooldownMinutes: r.cooldown_minutes,
    channels: r.channels,
    paused: r.paused,
  };
}

/** A rule ready to store: the spec with its event resolved to an internal id (null = every tracked event). */
export type RuleInput = Omit<AlertRule, 'id' | 'basisKept' | 'basis'> & {
  /**
   * Null when the spec does not name one: all-in for a new rule; a rule kept on base from before
   * price bases keeps base (applying an older rules file again changes no rule's meaning).
   */
  basis: PriceBasis | null;
};

export function ruleInputOf(spec: RuleSpec, eventId: number | null): RuleInput {
  const { seats, ...condition } = spec.condition;
  return {
    name: spec.name,
    eventId,
    marketplace: spec.marketplace === 'any' ? null : spec.marketplace,
    zone: spec.zone,
    quantity: seats ?? spec.quantity ?? 1,
    ...condition,
    basis: spec.basis ?? null,
    cooldownMinutes: spec.cooldown === 'none' ? null : spec.cooldown,
    channels: spec.channels,
    paused: spec.paused,
  };
}

export async function listRules(db: Queryable): Promise<AlertRule[]> {
  const r = await db.query<RuleRow>(`SELECT ${COLUMNS} FROM alert_rules ORDER BY name`);
  return r.rows.map(ruleOf);
}

/**
 * The enabled rules that watch a scrape of `eventId` on `marketplace`: the event's own, and the
 * ones for every event when the event is tracked.
 */
export async function rulesFor(q: Queryable, eventId: number, marketplace: string): Promise<AlertRule[]> {
  const r = await q.query<RuleRow>(
    `SELECT ${COLUMNS} FROM alert_rules
      WHERE NOT paused AND (marketplace IS NULL OR marketplace = $2)
        AND (event_id = $1 OR (event_id IS NULL AND EXISTS (SELECT 1 FROM events WHERE id = $1 AND tracked)))
      ORDER BY id`,
    [eventId, marketplace],
  );
  return r.rows.map(ruleOf);
}

// The basis as written ($12), or when the spec names none: all-in for a new rule, the rule's own
// for one kept on base from before price bases. A rule whose basis is written loses basis_kept:
// it is now the rule as written, not the one kept from before.
const KEPT_OR_WRITTEN = `CASE WHEN $12::text IS NULL AND alert_rules.basis_kept THEN alert_rules.basis ELSE coalesce($12::text, 'all-in') END`;
const UPSERT = `
  INSERT INTO alert_rules (name, event_id, marketplace, zone, quantity, condition, threshold, over_hours, cooldown_minutes, channels, paused, basis)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12::text, 'all-in'))
  ON CONFLICT (name) DO UPDATE SET
    event_id = EXCLUDED.event_id, marketplace = EXCLUDED.marketplace, zone = EXCLUDED.zone, quantity = EXCLUDED.quantity,
    condition = EXCLUDED.condition, threshold = EXCLUDED.threshold, over_hours = EXCLUDED.over_hours,
    cooldown_minutes = EXCLUDED.cooldown_minutes, channels = EXCLUDED.channels, paused = EXCLUDED.paused, basis = ${KEPT_OR_WRITTEN},
    basis_kept = alert_rules.basis_kept AND $12::text IS NULL, updated_at = now()
  WHERE (alert_rules.event_id, alert_rules.marketplace, alert_rules.zone, alert_rules.quantity, alert_rules.condition,
         alert_rules.threshold, alert_rules.over_hours, alert_rules.cooldown_minutes, alert_rules.channels, alert_rules.paused,
         alert_rules.basis, alert_rules.basis_kept)
        IS DISTINCT FROM
        (EXCLUDED.event_id, EXCLUDED.marketplace, EXCLUDED.zone, EXCLUDED.quantity, EXCLUDED.condition,
         EXCLUDED.threshold, EXCLUDED.over_hours, EXCLUDED.cooldown_minutes, EXCLUDED.channels, EXCLUDED.paused, ${KEPT_OR_WRITTEN},
         alert_rules.basis_kept AND $12::text IS NULL)
  RETURNING id, (xmax = 0) AS inserted`;

function params(r: RuleInput): unknown[] {
  return [
    r.name,
    r.eventId,
    r.marketplace,
    r.zone,
    r.quantity,
    r.condition,
    r.threshold,
    r.overHours,
    r.cooldownMinutes,
    r.channels,
    r.paused,
    r.basis,
  ];
}

/** Adds a rule; throws Error when a rule of that name exists. */
export async function addRule(db: Db, rule: RuleInput): Promise<AlertRule> {
  const r = await db.query<RuleRow>(
    `INSERT INTO alert_rules (name, event_id, marketplace, zone, quantity, condition, threshold, over_hours, cooldown_minutes, channels, paused, basis)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12::text, 'all-in')) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
    params(rule),
  );
  if (!r.rows[0]) throw new Error(`a rule named "${rule.name}" exists already (alerts remove it, or use alerts apply FILE)`);
  return ruleOf(r.rows[0]);
}

/** The names that no rule has. */
async function missingNames(q: Queryable, names: string[]): Promise<string[]> {
  const r = await q.query<{ name: string }>(`SELECT name FROM alert_rules WHERE name = ANY($1::text[])`, [names]);
  const found = new Set(r.rows.map((x) => x.name));
  return names.filter((n) => !found.has(n));
}

/** Removes rules by name, all or none: returns the names not found (then nothing was removed). */
export async function removeRules(db: Db, names: string[]): Promise<string[]> {
  return withTransaction(db, async (client) => {
    const missing = await missingNames(client, names);
    if (missing.length === 0) await client.query(`DELETE FROM alert_rules WHERE name = ANY($1::text[])`, [names]);
    return missing;
  });
}

/** Pauses or resumes rules by name, all or none: returns the names not found (then nothing changed). */
export async function setPaused(db: Db, names: string[], paused: boolean): Promise<string[]> {
  return withTransaction(db, async (client) => {
    const missing = await missingNames(client, names);
    if (missing.length === 0)
      await client.query(`UPDATE alert_rules SET paused = $2, updated_at = now() WHERE name = ANY($1::text[])`, [names, paused]);
    return missing;
  });
}

export interface ApplyReport {
  added: string[];
  changed: string[];
  unchanged: string[];
  removed: string[];
}

/**
 * Makes the table hold exactly `rules` (alerts as code), in one transaction: rules are matched by
 * name, added, changed in place (keeping their id, state and log) or left alone; rules not in the
 * list are removed. Applying the same list twice changes nothing.
 */
export async function applyRules(db: Db, rules: RuleInput[]): Promise<ApplyReport> {
  return withTransaction(db, async (client) => {
    const report: ApplyReport = { added: [], changed: [], unchanged: [], removed: [] };
    for (const rule of rules) {
      const r = await client.query<{ id: string; inserted: boolean }>(UPSERT, params(rule));
      const row = r.rows[0];
      if (!row) report.unchanged.push(rule.name);
      else if (row.inserted) report.added.push(rule.name);
      else {
        report.changed.push(rule.name);
        // A changed rule starts over: its old fire-once state described another condition.
        await client.query(`DELETE FROM alert_rule_state WHERE rule_id = $1`, [row.id]);
      }
    }
    const removed = await client.query<{ name: string }>(`DELETE FROM alert_rules WHERE NOT (name = ANY($1::text[])) RETURNING name`, [
      rules.map((r) => r.name),
    ]);
    report.removed = removed.rows.map((r) => r.name).sort();
    return report;
  });
}

/** How a rule's basis is shown: "all-in", "before fees", and why an old rule is on base. */
export function describeBasis(rule: Pick<AlertRule, 'basis' | 'basisKept'>): string {
  return rule.basisKept && rule.basis === 'base' ? `${basisLabel('base')} (kept from before price bases)` : basisLabel(rule.basis);
}

/** One line per rule for tables: scope, condition as written, and basis. */
export function describeRule(rule: AlertRule): { scope: string; condition: string; basis: string } {
  const scope = [
    rule.eventId === null ? 'every event' : `event ${rule.eventId}`,
    rule.marketplace ?? 'any marketplace',
    rule.zone === 'ALL' ? 'whole event' : `zone ${rule.zone}`,
    // A together rule's seats are in its condition ("2 together under 500").
    ...(rule.condition === 'together' ? [] : [`${rule.quantity} ticket${rule.quantity > 1 ? 's' : ''}`]),
  ].join(', ');
  return { scope, condition: describeCondition(rule), basis: describeBasis(rule) };
}
