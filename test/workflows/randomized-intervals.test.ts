import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextIntervalMs, seededRandom, type IntervalSettings } from '../../src/domain/sleep';

const HOUR = 3_600_000;
const N = 20_000;

function draws(settings: IntervalSettings, seed = 7): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: N }, () => nextIntervalMs(settings, random) / (settings.intervalHours * HOUR));
}

/** Kolmogorov-Smirnov distance between a sample and a CDF. */
function ksDistance(sample: number[], cdf: (x: number) => number): number {
  const s = [...sample].sort((a, b) => a - b);
  let d = 0;
  s.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs((i + 1) / s.length - f), Math.abs(i / s.length - f));
  });
  return d;
}
// 99.9% critical value of the one-sample KS statistic.
const KS_CRITICAL = (n: number): number => 1.95 / Math.sqrt(n);

describe('randomized intervals between cycles', () => {
  it('uniform: evenly spread over [min, max] × base', () => {
    const s = draws({ intervalHours: 12, randomization: 'uniform', minFactor: 0.7, maxFactor: 1.3 });
    assert.ok(s.every((f) => f >= 0.7 && f <= 1.3));
    assert.ok(ksDistance(s, (x) => (x - 0.7) / 0.6) < KS_CRITICAL(N));
  });

  it('poisson: exponential gaps with the base as mean, clamped at the bounds', () => {
    const s = draws({ intervalHours: 6, randomization: 'poisson', minFactor: 0.5, maxFactor: 2 });
    assert.ok(s.every((f) => f >= 0.5 && f <= 2));
    // The clamped exponential's CDF: mass 1-e^-0.5 sits at 0.5, e^-2 at 2.
    const cdf = (x: number): number => (x >= 2 ? 1 : 1 - Math.exp(-Math.max(x, 0.5)));
    const atMin = s.filter((f) => f === 0.5).length / N;
    const atMax = s.filter((f) => f === 2).length / N;
    assert.ok(Math.abs(atMin - (1 - Math.exp(-0.5))) < 0.015, `share at min ${atMin}`);
    assert.ok(Math.abs(atMax - Math.exp(-2)) < 0.01, `share at max ${atMax}`);
    assert.ok(
      ksDistance(
        s.filter((f) => f > 0.5 && f < 2),
        (x) => (cdf(x) - cdf(0.5)) / (Math.exp(-0.5) - Math.exp(-2)),
      ) < KS_CRITICAL(N * 0.47),
    );
  });

  it('normal: centred on the base with 99.7% inside the bounds', () => {
    const s = draws({ intervalHours: 12, randomization: 'normal', minFactor: 0.7, maxFactor: 1.3 });
    assert.ok(s.every((f) => f >= 0.7 && f <= 1.3));
    const mean = s.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / N);
    assert.ok(Math.abs(mean - 1) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(sd - 0.1) < 0.005, `sd ${sd}`);
    const clamped = s.filter((f) => f === 0.7 || f === 1.3).length / N;
    assert.ok(clamped < 0.006, `clamped share ${clamped}`);
  });

  it('is a pure function of the random source', () => {
    const settings: IntervalSettings = { intervalHours: 1, randomization: 'poisson', minFactor: 0.5, maxFactor: 3 };
    assert.deepEqual(draws(settings, 99).slice(0, 50), draws(settings, 99).slice(0, 50));
    assert.notDeepEqual(draws(settings, 99).slice(0, 50), draws(settings, 100).slice(0, 50));
  });
});
