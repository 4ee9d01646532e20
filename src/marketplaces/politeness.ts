/**
 * The optional random pause before each marketplace request (on top of the task queue's rate
 * limit), drawn between a minimum and a maximum like the seeds' request delays. Pure: every
 * function takes the random source, so the distributions are tested statistically.
 */
export type DelayDistribution = 'none' | 'uniform' | 'normal' | 'exponential';

export interface DelayPolicy {
  distribution: DelayDistribution;
  minMs: number;
  maxMs: number;
}

import { standardNormal, type RandomSource } from '../domain/random';

export type { RandomSource } from '../domain/random';

/**
 * One delay in [minMs, maxMs]:
 * - uniform: every value equally likely
 * - normal: centred between min and max, sd = (max - min) / 6, redrawn when outside
 * - exponential: min + Exp(scale = (max - min) / 3), truncated at max (more short waits than long)
 */
export function drawDelayMs(policy: DelayPolicy, random: RandomSource): number {
  const { minMs: min, maxMs: max } = policy;
  if (policy.distribution === 'none' || max <= 0) return 0;
  if (max <= min) return min;
  const span = max - min;
  switch (policy.distribution) {
    case 'uniform':
      return min + random() * span;
    case 'normal': {
      const mean = min + span / 2;
      const sd = span / 6;
      // Rejection keeps the shape of a normal inside the bounds; 0.27% of draws fall outside,
      // so a bounded number of tries is plenty, and the clamp only guards a broken source.
      for (let i = 0; i < 32; i++) {
        const x = mean + sd * standardNormal(random);
        if (x >= min && x <= max) return x;
      }
      return mean;
    }
    case 'exponential': {
      // Inverse CDF of the exponential truncated to [0, span]: exact, no redraws.
      const scale = span / 3;
      const mass = 1 - Math.exp(-span / scale);
      return min - scale * Math.log(1 - random() * mass);
    }
  }
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
