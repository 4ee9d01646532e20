import { createFileReader } from '../src/catalog/file-reader';
void (async () => {
  const t = Date.now();
  const c = await createFileReader({ file: process.argv[2]! }).read();
  for (const n of c.cells) console.log(n.row, n.column, n.kind, n.message);
  for (const i of c.invalid) console.log('INVALID', i.row, i.reason);
  console.log('ms', Date.now() - t);
})();
