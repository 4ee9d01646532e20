import { DEFAULT_PRICE_BASIS, PRICE_BASES } from './price-basis';
import { PARTY_SIZES } from './together';
import { z } from 'zod';
import { parseBucket, type Bucket } from './buckets';
import { MARKETPLACE_NAMES } from './listing';

/**
 * The options of the read commands and the parameters of the dashboard's JSON API, in one place:
 * the CLI (src/cli/commands/analytics.ts) and the API (src/dashboard/params.ts) accept the same
 * values and refuse the rest with the same reasons. Each accepts text (a flag, a query string) or a number.
 */

/** A number of days back: positive, at most ten years. */
export const daysOption = (def: number) =>
  z.coerce.number({ error: 'must be a number' }).positive('must be positive').max(3660, 'must be at most 3660').default(def);

/** How many rows at most: a whole number from 1 to `max`. */
export const limitOption = (def: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .default(def);

/** A marketplace name (of the registry), or absent for all of them. */
export const marketplaceOption = z.enum(MARKETPLACE_NAMES, { error: `must be one of ${MARKETPLACE_NAMES.join(', ')}` }).optional();

/** A zone as the marketplace names it (or `ALL`), or absent for the whole event. */
export const zoneOption = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional();

/** A bucket ("1 hour", "15 minutes", "1 day"...), parsed by domain/buckets with its reason when it is not one. */
export const bucketOption = z.string().transform((s, ctx): Bucket => {
  try {
    return parseBucket(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** A group size: 1 (per ticket), 2 or 4 together. */
export const quantityOption = z.coerce
  .number({ error: 'must be 1, 2 or 4' })
  .refine((n) => n === 1 || n === 2 || n === 4, 'must be 1, 2 or 4')
  .transform((n) => n as 1 | 2 | 4)
  .default(1);

/** `--basis` / `?basis=`: the price basis of every figure (price-basis.ts); all-in when absent. */
export const basisOption = z
  .enum(PRICE_BASES, { error: `must be one of ${PRICE_BASES.join(', ')} (all-in: with every mandatory fee; base: before fees)` })
  .default(DEFAULT_PRICE_BASIS);

/** The most seats together the cheapest-together figures compute: a group larger than this is not a party buying together. */
export const MAX_SEATS_TOGETHER = 20;

/** `?seats=1,2,4` / `--seats 1,2,4`: party sizes, comma-separated whole numbers from 1 to MAX_SEATS_TOGETHER, kept in order, repeats dropped. */
export const seatsOption = z
  .string()
  .transform((s, ctx): number[] => {
    const parts = s.split(',').map((x) => x.trim());
    const out: number[] = [];
    for (const part of parts) {
      const n = /^\d+$/.test(part) ? Number(part) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > MAX_SEATS_TOGETHER) {
        ctx.addIssue({
          code: 'custom',
          message: `must be whole numbers from 1 to ${MAX_SEATS_TOGETHER}, comma-separated (e.g. 1,2,4); got ${JSON.stringify(part)}`,
        });
        return z.NEVER;
      }
      if (!out.includes(n)) out.push(n);
    }
    return out;
  })
  .default(() => [...PARTY_SIZES]);
