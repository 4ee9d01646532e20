import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeText, sniffDelimiter } from '../../src/catalog/read/csv';
import { createFileReader } from '../../src/catalog/read/file-reader';
import { CatalogReadError } from '../../src/catalog/read/reader';

/** Windows-1252 bytes of a text (Latin-1 range plus the 0x80-0x9F characters used here). */
function cp1252(text: string): Buffer {
  const extra: Record<string, number> = { '’': 0x92, '€': 0x80, '–': 0x96 };
  return Buffer.from([...text].map((ch) => extra[ch] ?? ch.charCodeAt(0)));
}

describe('catalog files as spreadsheet programs save them', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tt-encodings-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, bytes: Buffer | string): string => {
    const file = path.join(tmp, name);
    writeFileSync(file, bytes);
    return file;
  };
  const read = (file: string, defaultTimeZone = 'Europe/Berlin') => createFileReader({ file, defaultTimeZone }).read();

  it('a German Excel export: Windows-1252, semicolons, dd.mm.yyyy, WAHR/FALSCH; the report says how it was read', async () => {
    const file = write(
      'de.csv',
      cp1252(
        'Veranstaltung;Venue;City;Country;Datum;Uhrzeit;viagogoID;Tracked\r\n' +
          'Die Ärzte – Zugabe;Velodrom;Berlin;DE;03.04.2027;20:00;171000001;WAHR\r\n' +
          '"Café Müller; Tanztheater";Opernhaus;Wuppertal;DE;13.04.2027;19:30;171000002;FALSCH\r\n',
      ),
    );
    const c = await read(file);
    assert.deepEqual(c.notes, ['not UTF-8: read as Windows-1252 (what Excel writes on Western Windows)', 'semicolon-separated']);
    assert.equal(c.dateOrder?.order, 'dmy');
    assert.deepEqual(c.ignoredColumns, []);
    assert.deepEqual(
      c.rows.map((r) => [r.name, r.startsAt!.toISOString(), r.tracked]),
      [
        ['Die Ärzte – Zugabe', '2027-04-03T18:00:00.000Z', true],
        ['Café Müller; Tanztheater', '2027-04-13T17:30:00.000Z', false],
      ],
    );
  });

  it('UTF-8 with a byte-order mark and tabs, and UTF-16 ("Unicode text") with a BOM', async () => {
    const text = 'Event Name\tDate\tviagogoID\nMontréal Nights\t2027-05-01 20:00\t171000003\n';
    const utf8 = await read(write('bom.tsv', '\uFEFF' + text));
    assert.deepEqual([utf8.rows[0]!.name, utf8.notes], ['Montréal Nights', ['tab-separated']]);
    const utf16 = await read(write('unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])));
    assert.deepEqual([utf16.rows[0]!.name, utf16.notes], ['Montréal Nights', ['not UTF-8: read as UTF-16LE', 'tab-separated']]);
  });

  it('bytes that are neither UTF-8 nor Windows-1252 are refused with the byte offset; nothing is read', async () => {
    const bytes = Buffer.concat([
      Buffer.from('Event Name,Date,viagogoID\nMontr'),
      Buffer.from([0xe9, 0x81]),
      Buffer.from('al,2027-05-01 20:00,1\n'),
    ]);
    await assert.rejects(
      read(write('broken.csv', bytes)),
      (e: unknown) =>
        e instanceof CatalogReadError && /not text in UTF-8 \(byte 31 is 0xE9\) nor in Windows-1252 \(byte 32 is 0x81\)/.test(e.message),
    );
  });

  it('a file mixing UTF-8 with another encoding is refused, not read as Windows-1252 (no "Ã©" stored)', async () => {
    const bytes = Buffer.concat([
      Buffer.from('Event Name,Venue,Date,viagogoID\nMontréal Nights,Caf'),
      Buffer.from([0xe9]),
      Buffer.from(',2027-05-01 20:00,1\n'),
    ]);
    await assert.rejects(
      read(write('mixed.csv', bytes)),
      (e: unknown) =>
        e instanceof CatalogReadError &&
        /mixes encodings: UTF-8 text \(at byte 37\) and a byte that is not UTF-8 \(byte 52 is 0xE9\)/.test(e.message),
    );
  });

  it('a cell already holding U+FFFD (damaged before it reached the file) is not stored: reported, the row kept', async () => {
    const c = await read(write('fffd.csv', 'Event Name,Venue,Date,viagogoID\nNights,Montr\uFFFDal Forum,2027-05-01 20:00,171000004\n'));
    assert.equal(c.rows[0]!.venue, null);
    assert.deepEqual(c.rows[0]!.keep, ['venue']);
    assert.match(c.cells[0]!.message, /replacement character \(U\+FFFD\)/);
  });

  it('decodes and sniffs as pure functions', () => {
    assert.deepEqual(decodeText(cp1252('Montréal’s')), { text: 'Montréal’s', encoding: 'Windows-1252' });
    assert.deepEqual(decodeText(Buffer.from('Montréal')), { text: 'Montréal', encoding: 'UTF-8' });
    assert.equal(sniffDelimiter('a;b;c\n"x, y";2;3\n'), ';');
    assert.equal(sniffDelimiter('a,b\n"x; y",2\n'), ',');
    assert.equal(sniffDelimiter('a\tb\nx,1\t2\n'), '\t');
  });
});
