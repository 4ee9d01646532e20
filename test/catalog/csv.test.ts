import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvError, parseCsv } from '../../src/catalog/read/csv';

const fields = (text: string): string[][] => parseCsv(text).map((r) => r.fields);

describe('CSV reader', () => {
  it('splits plain records, with or without a final line break, LF or CRLF', () => {
    assert.deepEqual(fields('a,b\n1,2\n'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
    assert.deepEqual(fields('a,b\r\n1,2'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const records = parseCsv('name,note\n"Knicks, Celtics","say ""hi""\nthen go",x\nlast,1\n');
    assert.deepEqual(
      records.map((r) => r.fields),
      [
        ['name', 'note'],
        ['Knicks, Celtics', 'say "hi"\nthen go', 'x'],
        ['last', '1'],
      ],
    );
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 2, 4],
    );
  });

  it('keeps empty fields and blank lines, strips a byte-order mark', () => {
    assert.deepEqual(fields('\uFEFFa,,c\n\n"",x\n'), [['a', '', 'c'], [''], ['', 'x']]);
  });

  it('keeps a quote inside an unquoted field as it is', () => {
    assert.deepEqual(fields('12" vinyl,ok\n'), [['12" vinyl', 'ok']]);
  });

  it('refuses an unclosed quote, naming the line; keeps text after a closing quote as written', () => {
    assert.throws(
      () => parseCsv('a\n"open,1\n'),
      (e: unknown) => e instanceof CsvError && /^line 2: Quote Not Closed/.test(e.message),
    );
    assert.deepEqual(fields('"a"b,c\n'), [['"a"b', 'c']]);
  });
});
