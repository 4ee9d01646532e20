import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fromRoot } from '../../src/config/paths';

/** Paths of the repository a page names: `src/...`, `test/...`, `bench/...`, `scripts/...`, `migrations/...`. */
const PATH = /(?<![\w./-])(?:src|test|bench|scripts|migrations|deploy)\/[\w./-]*[\w/]/g;

/** A path with a placeholder (`<name>`, `NNN_name`, `*`) stands for many; it is not checked. */
function isPattern(p: string, text: string, at: number): boolean {
  return /NNN|\*/.test(p) || text[at + p.length] === '<' || text[at + p.length] === '*' || text[at + p.length] === '{';
}

describe('the docs name paths that exist', () => {
  const pages = ['README.md', ...readdirSync(fromRoot('docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md'));
  for (const page of pages) {
    it(`${page}: every src/, test/, bench/, scripts/, migrations/ and deploy/ path it names exists`, () => {
      const text = readFileSync(fromRoot(page), 'utf8');
      const missing: string[] = [];
      for (const m of text.matchAll(PATH)) {
        const p = m[0].replace(/\.$/, '');
        if (isPattern(p, text, m.index)) continue;
        if (!existsSync(fromRoot(p))) missing.push(p);
      }
      assert.deepEqual([...new Set(missing)], [], `${page} names paths that are not in the repository (moved?)`);
    });
  }
});
