import { z } from 'zod';
import { parseBucket } from '../domain/buckets';
import {
  basisOption,
  bucketOption,
  daysOption,
  limitOption,
  marketplaceOption,
  quantityOption,
  seatsOption,
  zoneOption,
} from '../domain/query-options';

/**
 * The JSON API's query parameters, validated with zod; the same options as the CLI's
 * (src/domain/query-options.ts). A bad parameter answers 400 with `{ error, parameter }`.
 */
const days = daysOption;
const limit = limitOption;
const source = marketplaceOption;
const zone = zoneOption;
const bucket = bucketOption;
const quantity = quantityOption;
/** `?basis=all-in|base` on every route that answers prices; all-in when absent (16 CFR 464: the total first). */
const basis = basisOption;

/** `?seats=1,2,4`: party sizes (seatsOption, shared with the CLI's --seats). */
const seats = seatsOption;

export const historyParams = z.strictObject({
  days: days(30),
  bucket: bucket.default(parseBucket('1 day')),
  zone,
  source,
  quantity,
  basis,
});
export const availabilityParams = z.strictObject({ days: days(7), bucket: bucket.optional(), zone, source });
export const sectionsParams = z.strictObject({ days: days(7), basis });
export const listingsParams = z.strictObject({ source, limit: limit(50, 1000), basis });
export const pricesParams = z.strictObject({ source, basis });
export const eventParams = z.strictObject({ basis });
export const togetherParams = z.strictObject({ seats, basis });
export const eventsParams = z.strictObject({ all: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'), basis });
export const cyclesParams = z.strictObject({ limit: limit(100, 1000), hours: days(7 * 24).pipe(z.number().max(24 * 3660)) });
export const alertsParams = z.strictObject({ days: days(30), limit: limit(200, 5000) });
export const changesParams = z.strictObject({
  days: days(7),
  basis,
  minPercent: z.coerce.number({ error: 'must be a number' }).min(0, 'must be at least 0').max(1000, 'must be at most 1000').optional(),
});
export const eventRefParam = z.strictObject({ event: z.string().min(1, 'must not be empty').max(300) });

/** A parameter that failed validation: its name and why. */
export class BadParameter extends Error {
  override name = 'BadParameter';
  constructor(
    readonly parameter: string,
    readonly reason: string,
  ) {
    super(`parameter "${parameter}": ${reason}`);
  }
}

/** Parses `raw` with `schema`; throws BadParameter naming the first parameter that is wrong (or unknown). */
export function parseParams<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') throw new BadParameter(issue.keys.join(', '), 'unknown parameter');
  const name = issue.path.map(String).join('.') || 'query';
  throw new BadParameter(name, issue.message);
}
