import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../src/domain/random';
import { drawDelayMs, type DelayPolicy } from '../../src/marketplaces/politeness';

const N = 20_000;
function draws(policy: DelayPolicy, seed = 7): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: N }, () => drawDelayMs(policy, random));
}
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

describe('request delay distributions', () => {
  it('none draws nothing', () => {
    assert.deepEqual(draws({ distribution: 'none', minMs: 100, maxMs: 500 }).slice(0, 3), [0, 0, 0]);
  });

  it('uniform: within bounds, mean in the middle, variance span²/12, flat deciles', () => {
    const xs = draws({ distribution: 'uniform', minMs: 2000, maxMs: 5000 });
    assert.ok(xs.every((x) => x >= 2000 && x <= 5000));
    assert.ok(Math.abs(mean(xs) - 3500) < 30);
    assert.ok(Math.abs(sd(xs) - 3000 / Math.sqrt(12)) < 20);
    for (let d = 1; d < 10; d++) assert.ok(Math.abs(quantile(xs, d / 10) - (2000 + 300 * d)) < 45, `decile ${d}`);
  });

  it('normal: within bounds, centred, sd ≈ span/6, 68% within one sd', () => {
    const xs = draws({ distribution: 'normal', minMs: 2000, maxMs: 5000 });
    assert.ok(xs.every((x) => x >= 2000 && x <= 5000));
    assert.ok(Math.abs(mean(xs) - 3500) < 15);
    assert.ok(Math.abs(sd(xs) - 500) < 15);
    const within = xs.filter((x) => Math.abs(x - 3500) <= 500).length / N;
    assert.ok(Math.abs(within - 0.6827) < 0.015, `share within 1 sd: ${within}`);
  });

  it('exponential: within bounds, more short waits than long, mean of the truncated exponential', () => {
    const min = 2000;
    const max = 5000;
    const xs = draws({ distribution: 'exponential', minMs: min, maxMs: max });
    assert.ok(xs.every((x) => x >= min && x <= max));
    const scale = (max - min) / 3;
    const truncatedMean = min + scale - ((max - min) * Math.exp(-3)) / (1 - Math.exp(-3));
    assert.ok(Math.abs(mean(xs) - truncatedMean) < 15, `mean ${mean(xs)} vs ${truncatedMean}`);
    assert.ok(quantile(xs, 0.5) < (min + max) / 2);
    const firstThird = xs.filter((x) => x < min + scale).length / N;
    assert.ok(Math.abs(firstThird - (1 - Math.exp(-1)) / (1 - Math.exp(-3))) < 0.015);
  });

  it('a degenerate range returns the minimum', () => {
    assert.equal(drawDelayMs({ distribution: 'normal', minMs: 300, maxMs: 300 }, Math.random), 300);
  });
});
