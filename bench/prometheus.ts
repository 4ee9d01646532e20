/**
 * Reading a Prometheus `/metrics` endpoint (the Temporal SDK's exporter, the dev server's
 * `--metrics-port`) into flat samples, and the difference between two readings. The text format is
 * Prometheus' exposition format (https://prometheus.io/docs/instrumenting/exposition_formats/):
 * `name{label="value",...} number [timestamp]`, `#` lines being HELP/TYPE comments. (The npm
 * parser parse-prometheus-text-format 1.1.1 was tried first: it drops the labels, sum and count of
 * labelled histograms, which is all the SDK exports.)
 */

/** One series: its value; a histogram's `_sum`, `_count` and `_bucket` lines are series of their own. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;

/** Flat samples of a Prometheus text page. @throws naming the line (number and text) that is not a sample. */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = LINE.exec(line);
    const value = m ? Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]) : NaN;
    if (!m || (Number.isNaN(value) && m[3] !== 'NaN')) throw new Error(`metrics line ${i + 1} is not a sample: ${line.slice(0, 120)}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const l = LABEL.exec(body);
      if (!l) throw new Error(`metrics line ${i + 1}: bad labels: ${body.slice(0, 120)}`);
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1]!, labels, value });
  });
  return out;
}

/** GET `url` and parse it. @throws when the endpoint does not answer 200. */
export async function scrapeMetrics(url: string): Promise<Sample[]> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return parseMetrics(await res.text());
}

const key = (s: Sample): string =>
  `${s.name}{${Object.entries(s.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}}`;

/** `after - before` per series (a series absent before counts from zero). */
export function deltaMetrics(before: readonly Sample[], after: readonly Sample[]): Sample[] {
  const prev = new Map(before.map((s) => [key(s), s.value]));
  return after.map((s) => ({ ...s, value: s.value - (prev.get(key(s)) ?? 0) }));
}

/** Sum of the series of `name` whose labels include every `match` pair. */
export function total(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number {
  let t = 0;
  for (const s of samples) if (s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)) t += s.value;
  return t;
}

/** A histogram's count and sum (in its own unit) over the series whose labels include `match`. */
export function histogram(samples: readonly Sample[], name: string, match: Record<string, string> = {}): { count: number; sum: number } {
  return { count: total(samples, `${name}_count`, match), sum: total(samples, `${name}_sum`, match) };
}

/** `a + b` per series (a series in one only counts from zero in the other): differences of several spells summed. */
export function addMetrics(a: readonly Sample[], b: readonly Sample[]): Sample[] {
  const sums = new Map<string, Sample>(a.map((s) => [key(s), { ...s }]));
  for (const s of b) {
    const k = key(s);
    const prev = sums.get(k);
    sums.set(k, prev ? { ...prev, value: prev.value + s.value } : { ...s });
  }
  return [...sums.values()];
}
