import { z } from 'zod';
import { MARKETPLACE_NAMES, type MarketplaceName } from '../domain/listing';

/**
 * Faults the mock marketplace injects on demand, per marketplace and/or event:
 * - rate-limit: 429 with Retry-After (seconds or an HTTP date); Ticketmaster's body names the policy
 * - status: any status (a burst of 500s with `times`, 503 with Retry-After, 401, 403, 404, ...)
 * - slow: the response waits `delayMs` before its headers
 * - truncated: the body is cut off mid-way (the connection closes early)
 * - malformed: a 200 whose body is not JSON
 * - rename-field: a field of the payload renamed (top level, or in each item of an array payload)
 * - format-drift: the marketplace changed its format: a field of every listing item renamed or
 *   re-purposed (by default Vivid Seats' price `p`, StubHub Pro's `sellerNetProceeds`; SeatGeek's
 *   `stats` and Ticketmaster's `priceRanges` for the summary marketplaces)
 * - empty: a well-formed payload with 0 listings (as for a sold-out event, or a silent block)
 */
export const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rate-limit'),
    retryAfter: z.union([z.number().min(0), z.string()]).optional(),
    policy: z.enum(['quota', 'spike']).optional(),
  }),
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    retryAfter: z.union([z.number().min(0), z.string()]).optional(),
  }),
  z.object({ kind: z.literal('slow'), delayMs: z.number().int().min(0).max(600_000) }),
  z.object({ kind: z.literal('truncated') }),
  z.object({ kind: z.literal('malformed') }),
  z.object({ kind: z.literal('rename-field'), from: z.string().min(1), to: z.string().min(1) }),
  z.object({ kind: z.literal('format-drift'), field: z.string().min(1).optional(), renamedTo: z.string().min(1).optional() }),
  z.object({ kind: z.literal('empty') }),
]);
export type Fault = z.infer<typeof faultSchema>;

export const faultRuleSchema = z.object({
  /** Only this marketplace's endpoints; all when absent. */
  marketplace: z.enum(MARKETPLACE_NAMES).optional(),
  /** Only this event id; all when absent. */
  eventId: z.string().min(1).optional(),
  fault: faultSchema,
  /** How many matching requests get the fault before it clears itself; forever when absent. */
  times: z.number().int().positive().optional(),
});
export type FaultRule = z.infer<typeof faultRuleSchema>;

/** Rules in the order they were set; the first that matches a request applies. */
export class FaultRegistry {
  private rules: { rule: FaultRule; left: number }[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, left: rule.times ?? Infinity });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => r.rule);
  }

  /** The fault for this request, if any (consuming one use of a counted rule). */
  take(marketplace: MarketplaceName, eventId: string): Fault | undefined {
    const i = this.rules.findIndex(
      ({ rule }) =>
        (rule.marketplace === undefined || rule.marketplace === marketplace) && (rule.eventId === undefined || rule.eventId === eventId),
    );
    if (i === -1) return undefined;
    const entry = this.rules[i]!;
    entry.left -= 1;
    if (entry.left <= 0) this.rules.splice(i, 1);
    return entry.rule.fault;
  }
}
