/**
 * The alert-rule evaluator: a pure function (no I/O, no clock) from a rule, what one scrape
 * observed for the rule's target, and the rule's fire-once state, to "fire or not" and the next
 * state. The storage side (src/alerts/rules/store.ts) gathers the observation and keeps the state.
 *
 * Fire once: a rule fires when its condition is active and it is armed, and is then disarmed.
 * It re-arms when the condition has cleared, past a small hysteresis band so that a price
 * hovering around the threshold does not fire at every scrape, or when its cooldown has passed
 * since the last firing (the condition still holding then fires again). Hysteresis:
 *  - prices (`below`, `new-low`, `together`): cleared only 2 % beyond the threshold (PRICE_HYSTERESIS);
 *  - percents (`drop`, `rise`, `cheaper-elsewhere`): cleared only 1 percentage point below the
 *    threshold, or a fifth of it when it is under 5 % (percentHysteresis);
 *  - availability (`sold-out`, `back-in-stock`): none (a ticket on sale or not).
 */
import type { AlertRule, Condition } from './types';

/** Relative band of price thresholds: `below 100` re-arms above 102. */
export const PRICE_HYSTERESIS = 0.02;

/** Percentage points of the band of percent thresholds: `drop 10` re-arms under 9 %. */
export function percentHysteresis(threshold: number): number {
  return Math.min(1, threshold / 5);
}

/**
 * What the storage side saw for one rule's target (one event, marketplace, zone and group size)
 * in one scrape, on the rule's price basis. Prices are per ticket in the scrape's currency (for
 * `together`, `price` is the total for the rule's seats); null = nothing on sale.
 */
export interface Observation {
  /** Lowest price now for the group size (null: none on sale for that many); for together, the cheapest total for N seats together across marketplaces. */
  price: number | null;
  /** Tickets and listings on sale now in the zone (null when the marketplace does not say). */
  tickets: number | null;
  listings: number | null;
  /** Whether there is a previous scrape of this event on this marketplace, and its price. */
  hasPrevious: boolean;
  previousPrice: number | null;
  /** The price of the last scrape at or before `overHours` ago (drop/rise over N h), else null. */
  priceHoursAgo: number | null;
  /** Lowest price of every earlier scrape of the target (new-low); null when none had one. */
  lowestBefore: number | null;
  /** Latest price of the same event, zone and group size on each other marketplace. */
  others: { marketplace: string; price: number }[];
}

/** Fire-once state of a rule for one target (alert_rule_state); a new target starts armed. */
export interface RuleState {
  armed: boolean;
  /** ISO instant of the last firing. */
  lastFiredAt: string | null;
}

export const INITIAL_STATE: RuleState = { armed: true, lastFiredAt: null };

/** The condition's standing in this scrape: active, cleared (re-arms), or inside the band. */
export type Standing = 'active' | 'cleared' | 'band';

export interface Measure {
  standing: Standing;
  /** The compared price (the previous one, the one N hours ago, the earlier low, the other marketplace's). */
  reference: number | null;
  /** Signed change of `price` against `reference`, in percent, 2 decimals. */
  changePercent: number | null;
  /** For cheaper-elsewhere: the marketplace compared with. */
  comparedWith?: string;
}

export interface Evaluation {
  fire: boolean;
  measure: Measure;
  /** The state to store (equal to the input when nothing changed). */
  state: RuleState;
}

function pct(from: number | null, to: number | null): number | null {
  if (from === null || to === null || from <= 0) return null;
  return Math.round(((to - from) / from) * 10_000) / 100;
}

/** Where the observation stands for a condition (see the module comment for the bands). */
export function measure(rule: Pick<AlertRule, 'condition' | 'threshold' | 'overHours'>, o: Observation): Measure {
  const t = rule.threshold ?? 0;
  const cond: Condition = rule.condition;
  switch (cond) {
    case 'below': {
      if (o.price === null) return { standing: 'cleared', reference: t, changePercent: null };
      const standing = o.price <= t ? 'active' : o.price > t * (1 + PRICE_HYSTERESIS) ? 'cleared' : 'band';
      return { standing, reference: o.previousPrice, changePercent: pct(o.previousPrice, o.price) };
    }
    case 'together': {
      // The total for N seats against a total threshold, with the band of `below`.
      if (o.price === null) return { standing: 'cleared', reference: t, changePercent: null };
      const standing = o.price <= t ? 'active' : o.price > t * (1 + PRICE_HYSTERESIS) ? 'cleared' : 'band';
      return { standing, reference: t, changePercent: null };
    }
    case 'drop':
    case 'rise': {
      const reference = rule.overHours ? o.priceHoursAgo : o.previousPrice;
      const change = pct(reference, o.price);
      if (change === null) return { standing: 'cleared', reference, changePercent: null };
      const moved = cond === 'drop' ? -change : change;
      const standing = moved >= t ? 'active' : moved < t - percentHysteresis(t) ? 'cleared' : 'band';
      return { standing, reference, changePercent: change };
    }
    case 'new-low': {
      const reference = o.lowestBefore;
      if (o.price === null || reference === null) return { standing: 'cleared', reference, changePercent: null };
      const standing = o.price < reference ? 'active' : o.price >= reference * (1 + PRICE_HYSTERESIS) ? 'cleared' : 'band';
      return { standing, reference, changePercent: pct(reference, o.price) };
    }
    case 'sold-out':
      return {
        standing: o.price === null ? 'active' : 'cleared',
        reference: o.previousPrice,
        changePercent: null,
      };
    case 'back-in-stock':
      return {
        standing: o.price !== null && o.hasPrevious && o.previousPrice === null ? 'active' : 'cleared',
        reference: o.previousPrice,
        changePercent: null,
      };
    case 'cheaper-elsewhere': {
      // This marketplace at least t % below the cheapest of the others (the one to buy from).
      const cheapestOther = o.others.reduce<{ marketplace: string; price: number } | null>(
        (best, x) => (best === null || x.price < best.price ? x : best),
        null,
      );
      if (o.price === null || cheapestOther === null) return { standing: 'cleared', reference: null, changePercent: null };
      const change = pct(cheapestOther.price, o.price)!;
      const below = -change;
      const standing = below >= t ? 'active' : below < t - percentHysteresis(t) ? 'cleared' : 'band';
      return { standing, reference: cheapestOther.price, changePercent: change, comparedWith: cheapestOther.marketplace };
    }
  }
}

/**
 * One rule against one observation. `now` is the scrape's capture instant (ISO), so the same
 * scrape always gives the same answer. Paused rules are never passed here (the caller skips them).
 */
export function evaluateRule(
  rule: Pick<AlertRule, 'condition' | 'threshold' | 'overHours' | 'cooldownMinutes'>,
  observation: Observation,
  state: RuleState,
  now: string,
): Evaluation {
  const m = measure(rule, observation);
  const cooledDown =
    rule.cooldownMinutes !== null &&
    state.lastFiredAt !== null &&
    Date.parse(now) - Date.parse(state.lastFiredAt) >= rule.cooldownMinutes * 60_000;
  const armed = state.armed || cooledDown;
  if (m.standing === 'active' && armed) return { fire: true, measure: m, state: { armed: false, lastFiredAt: now } };
  if (m.standing === 'cleared' && !state.armed) return { fire: false, measure: m, state: { armed: true, lastFiredAt: state.lastFiredAt } };
  return { fire: false, measure: m, state };
}

/** The condition as the user writes it: "drop 10% over 24h", "below 120", "new-low", "2 together under 500". */
export function describeCondition(rule: Pick<AlertRule, 'condition' | 'threshold' | 'overHours' | 'quantity'>): string {
  switch (rule.condition) {
    case 'together':
      return `${rule.quantity} together under ${rule.threshold}`;
    case 'below':
      return `below ${rule.threshold}`;
    case 'drop':
    case 'rise':
      return `${rule.condition} ${rule.threshold}%${rule.overHours ? ` over ${rule.overHours}h` : ''}`;
    case 'cheaper-elsewhere':
      return `cheaper-elsewhere ${rule.threshold}%`;
    default:
      return rule.condition;
  }
}
