import fc from 'fast-check';

/**
 * Mutations of a real JSON capture for property tests: each mutation picks one place in the
 * document (an object key or an array item, anywhere) and breaks it the way payloads break in
 * the field: a key dropped or renamed, a value of another type, a number as text or text as a
 * number, huge and tiny numbers, NaN/Infinity as text (and as numbers, which JSON cannot carry
 * but a caller could), deep nesting, odd Unicode (lone surrogates, NUL, right-to-left marks),
 * an array cut short or repeated, a string cut short, `__proto__`/`constructor` keys.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type Path = (string | number)[];

/**
 * Places in the document: the path to each object value and array item (the root is []), depth
 * first, at most `limit` of them and none deeper than `maxDepth` (no recursion: deep nesting is
 * one of the mutations).
 */
export function pathsOf(doc: unknown, limit = 5_000, maxDepth = 64): Path[] {
  const out: Path[] = [];
  const stack: { value: unknown; path: Path }[] = [{ value: doc, path: [] }];
  while (stack.length > 0 && out.length < limit) {
    const { value, path } = stack.pop()!;
    out.push(path);
    if (path.length >= maxDepth) continue;
    const children: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i): [number, unknown] => [i, v])
      : typeof value === 'object' && value !== null
        ? Object.entries(value as Record<string, unknown>)
        : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ value: children[i]![1], path: [...path, children[i]![0]] });
  }
  return out;
}

const HUGE_OR_TINY = [1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 1, -(2 ** 53) - 1, -0, 0, -1, 1e-320, 1e21, 0.1 + 0.2];
const NUMBERISH_TEXT = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '-1e999',
  '0x1F',
  ' 12 ',
  '12,50',
  '€12',
  '1_000',
  '',
  ' ',
  '١٢٣',
  '+5',
  '.5',
  '5.',
];
const NON_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const ODD_TEXT = [
  '\uD800',
  '\uDFFF\uD800',
  '\u0000',
  '\u202Eevil',
  'e\u0301',
  '😀'.repeat(3),
  '\uFEFF',
  'x'.repeat(100_000),
  '<html>',
  'null',
  'true',
];
const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'ID', 'Id'];

/** Items an array may grow to by repetition here (larger arrays have their own test: they are slow). */
const MAX_REPEATED = 20_000;

export type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'rename'; at: number; to: string }
  | { kind: 'retype'; at: number; value: unknown }
  | { kind: 'numberText'; at: number }
  | { kind: 'deep'; at: number; depth: number; asObject: boolean }
  | { kind: 'truncate'; at: number; keep: number }
  | { kind: 'repeat'; at: number; times: number }
  | { kind: 'oddKey'; at: number; key: string; value: unknown };

/** Values of every type, special numbers and odd text among them. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HUGE_OR_TINY, ...NUMBERISH_TEXT, ...NON_FINITE, ...ODD_TEXT, null, true, false, [], {}),
  fc.double(),
  fc.integer(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('rename' as const),
    at: fc.nat(),
    to: fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ unit: 'binary', maxLength: 12 })),
  }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant('numberText' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('deep' as const), at: fc.nat(), depth: fc.constantFrom(2, 50, 5_000), asObject: fc.boolean() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), keep: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), times: fc.constantFrom(2, 50, 2_000) }),
  fc.record({ kind: fc.constant('oddKey' as const), at: fc.nat(), key: fc.constantFrom(...ODD_KEYS), value: oddValue }),
);

function parentAndKey(root: { doc: unknown }, path: Path): { parent: Record<string | number, unknown>; key: string | number } {
  let parent: Record<string | number, unknown> = root as unknown as Record<string, unknown>;
  let key: string | number = 'doc';
  for (const step of path) {
    parent = parent[key] as Record<string | number, unknown>;
    key = step;
  }
  return { parent, key };
}

type Place = { parent: Record<string | number, unknown>; key: string | number };
const valueAt = ({ parent, key }: Place): unknown => parent[key];
const FITS: Partial<Record<Mutation['kind'], (place: Place) => boolean>> = {
  truncate: (p) => Array.isArray(valueAt(p)) || typeof valueAt(p) === 'string',
  repeat: (p) => Array.isArray(valueAt(p)) && (valueAt(p) as unknown[]).length > 0,
  numberText: (p) => typeof valueAt(p) === 'number' || typeof valueAt(p) === 'string',
  oddKey: (p) => typeof valueAt(p) === 'object' && valueAt(p) !== null && !Array.isArray(valueAt(p)),
  rename: (p) => !Array.isArray(p.parent) && p.key !== 'doc',
};

/** One mutation applied in place to `root.doc` (the root itself can be replaced). */
export function applyMutation(root: { doc: unknown }, m: Mutation): void {
  // Each kind picks among the places it can break (arrays to cut or repeat, objects to add a key to).
  const all = pathsOf(root.doc);
  const fits = FITS[m.kind];
  const fitting = fits ? all.filter((p) => fits(parentAndKey(root, p))) : all;
  const paths = fitting.length > 0 ? fitting : all;
  const path = paths[m.at % paths.length]!;
  const { parent, key } = parentAndKey(root, path);
  const value = parent[key];
  switch (m.kind) {
    case 'drop':
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
      else delete parent[key];
      return;
    case 'rename': {
      if (Array.isArray(parent) || parent === (root as unknown)) return;
      delete parent[key];
      Object.defineProperty(parent, m.to, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    case 'retype':
      parent[key] = m.value;
      return;
    case 'numberText':
      parent[key] = typeof value === 'number' ? String(value) : typeof value === 'string' ? Number(value) : value;
      return;
    case 'deep': {
      let v: unknown = value;
      for (let i = 0; i < m.depth; i++) v = m.asObject ? { [typeof key === 'string' ? key : 'v']: v } : [v];
      parent[key] = v;
      return;
    }
    case 'truncate':
      if (Array.isArray(value)) value.length = Math.min(value.length, m.keep);
      else if (typeof value === 'string') parent[key] = value.slice(0, Math.floor(value.length / 2));
      return;
    case 'repeat':
      if (Array.isArray(value) && value.length > 0)
        parent[key] = Array.from({ length: Math.min(value.length * m.times, MAX_REPEATED) }, (_, i): unknown => value[i % value.length]);
      return;
    case 'oddKey':
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        Object.defineProperty(value, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      return;
  }
}

/** A deep copy of `seed` with `mutations` applied in order. */
export function mutate(seed: unknown, mutations: readonly Mutation[]): unknown {
  const root = { doc: structuredClone(seed) };
  for (const m of mutations) applyMutation(root, m);
  return root.doc;
}

/** A deep copy of `seed` with every array at its root or one level down (listings, ranges, zones) repeated to `length` items. */
export function repeatTopArrays(seed: unknown, length: number): unknown {
  const root = { doc: structuredClone(seed) };
  for (const path of pathsOf(root.doc).filter((p) => p.length <= 1)) {
    const { parent, key } = parentAndKey(root, path);
    const items = parent[key];
    if (Array.isArray(items) && items.length > 0) parent[key] = Array.from({ length }, (_, i): unknown => items[i % items.length]);
  }
  return root.doc;
}
