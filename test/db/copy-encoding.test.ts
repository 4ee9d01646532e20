import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { copyCents, copyField } from '../../src/db/copy';

/**
 * copyCents writes a price from integers instead of String(number); PostgreSQL must read the same
 * decimal either way. Compared as exact decimals (digits, not doubles), against String(v).
 */
function decimal(text: string): string {
  const [units = '', fraction = ''] = text.split('.');
  const f = fraction.replace(/0+$/, '');
  return f === '' ? units : `${units}.${f}`;
}

describe('copyCents', () => {
  it('writes every whole number of cents as the decimal String(v) gives, with two digits after the point', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (c) => {
        const v = c / 100;
        const text = copyCents(v);
        assert.match(text, /^\d+\.\d\d$/);
        assert.equal(decimal(text), decimal(String(v)));
      }),
      { numRuns: 20_000 },
    );
    for (const v of [0.01, 0.1, 0.29, 1, 9.99, 100_000, 1234.05, 21_474_836.47]) assert.equal(decimal(copyCents(v)), decimal(String(v)));
  });

  it('leaves anything that is not whole cents to String(v), and NULL as \\N', () => {
    for (const v of [0.001, 12.345, 1 / 3, -1.5, -0.01, 21_474_836.48, 1e21, 2 ** 53]) assert.equal(copyCents(v), String(v));
    assert.equal(copyCents(null), '\\N');
  });
});

describe('copyField', () => {
  it('escapes backslash, tab, newline and carriage return, and nothing else', () => {
    assert.equal(copyField('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
    assert.equal(copyField('Zoné "x" , {}'), 'Zoné "x" , {}');
    assert.equal(copyField(''), '');
    assert.equal(copyField(null), '\\N');
    assert.equal(copyField([]), '{}');
    assert.equal(copyField([2, 4]), '{2,4}');
    assert.equal(copyField(true), 't');
  });
});
