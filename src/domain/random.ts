/** A source of uniform numbers in [0, 1): Math.random, Temporal's deterministic one in workflows, or a seeded one. */
export type RandomSource = () => number;

/**
 * mulberry32: a small, fast, seeded generator. The mock marketplace's generated markets, the tests'
 * random data and the statistical tests all draw from it, so a seed reproduces a run exactly.
 */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box-Muller: one standard normal draw from two uniforms (1 - u keeps the log finite). */
export function standardNormal(random: RandomSource): number {
  const u1 = 1 - random();
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
