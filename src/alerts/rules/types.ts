import { z } from 'zod';
import { MARKETPLACE_NAMES, SUMMARY_ZONE, type MarketplaceName } from '../../domain/listing';
import { priceBasisSchema, type PriceBasis } from '../../domain/price-basis';
import { MAX_SEATS_TOGETHER } from '../../domain/query-options';
import { CHANNEL_NAMES } from '../channels/registry';

/**
 * Alert rules: what to watch (scope), when to fire (condition) and where to say it (channels).
 * One schema for the CLI, the rules file (`alerts apply FILE`) and the table (alert_rules).
 */
export const CONDITIONS = ['below', 'drop', 'rise', 'new-low', 'sold-out', 'back-in-stock', 'cheaper-elsewhere', 'together'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Conditions that take a number (a price per ticket for `below`, a total for `together`, a percent for the others). */
export const CONDITIONS_WITH_THRESHOLD: readonly Condition[] = ['below', 'drop', 'rise', 'cheaper-elsewhere', 'together'];

/** Default cooldown: a rule whose condition never clears fires again after a day. */
export const DEFAULT_COOLDOWN_MINUTES = 1440;

export interface AlertRule {
  id: number;
  name: string;
  /** Internal event id, or null for every tracked event. */
  eventId: number | null;
  /** null = any marketplace. */
  marketplace: MarketplaceName | null;
  /** A zone as the marketplace names it, or 'ALL' for the whole event. */
  zone: string;
  /** Tickets together: 1, 2 or 4; for `together`, any N >= 1 (the seats the condition names). */
  quantity: number;
  condition: Condition;
  /** The price basis of every figure the rule reads and its alerts show (all-in, or base: before fees). */
  basis: PriceBasis;
  /**
   * True for a rule stored before price bases existed (migration 091): it was evaluated on the base
   * figures and kept that basis; false once the rule is changed, and for every rule added since.
   */
  basisKept: boolean;
  /** A price per ticket (below), a total for `quantity` seats (together) or a percent (drop, rise, cheaper-elsewhere); null for the others. */
  threshold: number | null;
  /** drop/rise against the price this many hours ago instead of the previous scrape. */
  overHours: number | null;
  /** Re-arm after this many minutes even if the condition has not cleared; null = only when cleared. */
  cooldownMinutes: number | null;
  channels: string[];
  paused: boolean;
}

/** A parsed condition; `seats` is the N of `N together under X` (the rule's quantity), absent for the others. */
export type ParsedCondition = Pick<AlertRule, 'condition' | 'threshold' | 'overHours'> & { seats?: number };

const TOGETHER = /^\s*(\d+)\s+together\s+under\s+(\d+(?:\.\d+)?)\s*$/i;

/**
 * A condition as written: `below 120`, `drop 10`, `drop 10%`, `drop 15% over 24h`, `rise 5`,
 * `new-low`, `sold-out`, `back-in-stock`, `cheaper-elsewhere 10`, `2 together under 500` (a total
 * for 2 seats together). Throws Error naming what is wrong: a threshold that is not positive, a
 * drop (or cheaper-elsewhere) over 100 %, a number of seats that is not a positive integer.
 */
export function parseCondition(text: string): ParsedCondition {
  const together = TOGETHER.exec(text);
  if (together) {
    const seats = Number(together[1]);
    const threshold = Number(together[2]);
    if (!Number.isSafeInteger(seats) || seats < 1 || seats > MAX_SEATS_TOGETHER)
      throw new Error(`"${text}": the number of seats together must be a whole number from 1 to ${MAX_SEATS_TOGETHER}`);
    if (threshold <= 0) throw new Error(`"${text}": together needs a positive total`);
    return { condition: 'together', threshold, overHours: null, seats };
  }
  const m = /^\s*([a-z-]+)(?:\s+([-+]?\d+(?:\.\d+)?)\s*%?)?(?:\s+over\s+(\d+(?:\.\d+)?)\s*h(?:ours?)?)?\s*$/i.exec(text);
  const name = m?.[1]?.toLowerCase();
  if (!m || !name || !(CONDITIONS as readonly string[]).includes(name)) {
    throw new Error(
      `"${text}" is not a condition; write one of: below PRICE, drop PERCENT [over N h], rise PERCENT [over N h], new-low, sold-out, back-in-stock, cheaper-elsewhere PERCENT, N together under TOTAL`,
    );
  }
  const condition = name as Condition;
  const threshold = m[2] === undefined ? null : Number(m[2]);
  const overHours = m[3] === undefined ? null : Number(m[3]);
  if (condition === 'together') throw new Error(`"${text}": write together as "N together under TOTAL" (e.g. "2 together under 500")`);
  if (CONDITIONS_WITH_THRESHOLD.includes(condition)) {
    if (threshold === null || threshold <= 0)
      throw new Error(`"${text}": ${condition} needs a positive ${condition === 'below' ? 'price' : 'percent'}`);
    // A price cannot fall by more than all of it; a rise may exceed 100 %.
    if ((condition === 'drop' || condition === 'cheaper-elsewhere') && threshold > 100)
      throw new Error(
        `"${text}": a ${condition === 'drop' ? 'drop' : 'price below another'} cannot exceed 100 %; write a percent from 0 to 100`,
      );
  } else if (threshold !== null) throw new Error(`"${text}": ${condition} takes no number`);
  if (overHours !== null && condition !== 'drop' && condition !== 'rise') throw new Error(`"${text}": only drop and rise take "over N h"`);
  if (overHours !== null && overHours <= 0) throw new Error(`"${text}": "over N h" needs a positive number of hours`);
  return { condition, threshold, overHours };
}

const quantitySchema = z.union([z.literal(1), z.literal(2), z.literal(4)], { error: 'must be 1, 2 or 4' });

/**
 * One rule as a user writes it in a rules file or on the command line. `event` is any EVENT
 * reference (internal id, marketplace id, MARKETPLACE:ID, link) or "all"; resolved by the caller.
 */
export const ruleSpecSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    event: z
      .union([z.string().min(1), z.number().int().positive()])
      .transform(String)
      .default('all'),
    marketplace: z.enum([...MARKETPLACE_NAMES, 'any'], { error: `must be one of ${MARKETPLACE_NAMES.join(', ')} or any` }).default('any'),
    zone: z.string().trim().min(1, 'must not be empty').default(SUMMARY_ZONE),
    /** Default 1; for `N together under X` it may be left out (N is the quantity) or must equal N. */
    quantity: z.coerce.number().pipe(quantitySchema).optional(),
    condition: z.string().transform((s, ctx) => {
      try {
        return parseCondition(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
    channels: z.union([z.string().transform((s) => s.split(',').map((c) => c.trim())), z.array(z.string())]).pipe(
      z
        .array(z.string().min(1))
        .min(1, 'must name at least one channel')
        .superRefine((names, ctx) => {
          const unknown = names.filter((c) => !(CHANNEL_NAMES as readonly string[]).includes(c));
          if (unknown.length > 0)
            ctx.addIssue({ code: 'custom', message: `unknown channel ${unknown.join(', ')} (channels: ${CHANNEL_NAMES.join(', ')})` });
        }),
    ),
    /** Minutes, or "none" for "re-arm only when the condition clears". */
    cooldown: z
      .union([z.literal('none'), z.coerce.number().int('must be whole minutes').positive('must be positive')])
      .default(DEFAULT_COOLDOWN_MINUTES),
    paused: z.boolean().default(false),
    /**
     * The basis of the figures the rule reads: all-in or base (before fees). Left out: all-in for a
     * new rule, and the basis it has for a rule kept on base from before price bases (so applying
     * an older rules file again does not change what its rules mean).
     */
    basis: priceBasisSchema.optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const seats = spec.condition.seats;
    if (seats !== undefined && spec.quantity !== undefined && spec.quantity !== seats)
      ctx.addIssue({
        code: 'custom',
        path: ['quantity'],
        message: `is ${spec.quantity} but the condition names ${seats} together; leave quantity out for a together condition`,
      });
  });
export type RuleSpec = z.infer<typeof ruleSpecSchema>;

/** A rules file: `rules: [...]` (YAML or JSON). */
export const rulesFileSchema = z.object({ rules: z.array(ruleSpecSchema) }).strict();
