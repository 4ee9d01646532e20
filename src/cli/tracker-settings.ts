import { z } from 'zod';
import type { Env } from '../config/index';
import { RANDOMIZATION } from '../domain/sleep';
import { trackerSettingsSchema, type TrackerSettings } from '../domain/tracker';
import { parseOptions } from './parse';

/** The tracker's settings flags (`tracker start`, `tracker configure`), shared with the embedded stack. */
const num = z.coerce.number({ error: 'must be a number' });
export const settingsOptions = z
  .object({
    intervalHours: num.optional(),
    randomization: z.enum(RANDOMIZATION).optional(),
    minFactor: num.optional(),
    maxFactor: num.optional(),
    fanout: z.coerce.number().int().optional(),
  })
  .passthrough();

/** Tracker settings: the configuration's defaults, overridden by the command's flags. */
export function trackerSettingsFrom(env: Env, flags: z.infer<typeof settingsOptions>): TrackerSettings {
  const merged = {
    intervalHours: flags.intervalHours ?? env.SCRAPE_INTERVAL_HOURS,
    randomization: flags.randomization ?? env.RANDOMIZATION_STRATEGY,
    minFactor: flags.minFactor ?? env.MIN_RANDOM_FACTOR,
    maxFactor: flags.maxFactor ?? env.MAX_RANDOM_FACTOR,
    fanout: flags.fanout ?? env.SCRAPE_FANOUT,
    errorAlertThreshold: env.ERROR_ALERT_THRESHOLD,
  };
  return parseOptions(trackerSettingsSchema(), merged);
}
