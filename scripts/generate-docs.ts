// `npm run docs`: regenerates .env.example and the README's configuration table from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderEnvExample, withConfigTable } from '../src/config/docs';
import { fromRoot } from '../src/tools/paths';

writeFileSync(fromRoot('.env.example'), renderEnvExample());
const readmePath = fromRoot('README.md');
writeFileSync(readmePath, withConfigTable(readFileSync(readmePath, 'utf8')));
console.log('wrote .env.example and the README configuration table');
