import { z } from 'zod';

/**
 * The sleep between cycles: randomized draws around the interval. Pure functions of a random source, so workflows
 * pass Temporal's deterministic Math.random and tests pass a seeded generator.
 */
export const RANDOMIZATION = ['uniform', 'poisson', 'normal'] as const;
export type Randomization = (typeof RANDOMIZATION)[number];

import { lazy } from './lazy';
import { standardNormal, type RandomSource } from './random';

export type { RandomSource } from './random';
export { seededRandom } from './random';

/** Built on first use: workflows import this module (see `lazy`). */
const buildIntervalSettingsSchema = () =>
  z
    .object({
      intervalHours: z
        .number()
        .positive('must be positive')
        .max(24 * 30, 'must be at most 720 hours'),
      randomization: z.enum(RANDOMIZATION),
      minFactor: z.number().positive('must be positive'),
      maxFactor: z.number().positive('must be positive'),
    })
    .strict()
    .refine((s) => s.minFactor <= 1 && s.maxFactor >= 1, {
      error: 'minFactor must be at most 1 and maxFactor at least 1, so the base interval stays reachable',
      path: ['minFactor'],
    });
export const intervalSettingsSchema = lazy(buildIntervalSettingsSchema);
export type IntervalSettings = z.infer<ReturnType<typeof buildIntervalSettingsSchema>>;

/**
 * The unclamped draw, as a factor of the base interval:
 * - uniform: evenly spread between minFactor and maxFactor;
 * - poisson: the gap of a Poisson process with the base interval as its mean (exponential), so
 *   cycles arrive at random with no memory, as the seeds' tracker did;
 * - normal: centred on the base interval with 99.7% of draws inside [minFactor, maxFactor].
 */
export function drawFactor(settings: Pick<IntervalSettings, 'randomization' | 'minFactor' | 'maxFactor'>, random: RandomSource): number {
  switch (settings.randomization) {
    case 'uniform':
      return settings.minFactor + (settings.maxFactor - settings.minFactor) * random();
    case 'poisson':
      return -Math.log(1 - random());
    case 'normal': {
      const sigma = (settings.maxFactor - settings.minFactor) / 6;
      return 1 + sigma * standardNormal(random);
    }
  }
}

/** Milliseconds to sleep before the next cycle: a draw clamped to [minFactor, maxFactor] × base. */
export function nextIntervalMs(settings: IntervalSettings, random: RandomSource): number {
  const factor = Math.min(settings.maxFactor, Math.max(settings.minFactor, drawFactor(settings, random)));
  return Math.round(factor * settings.intervalHours * 3_600_000);
}
