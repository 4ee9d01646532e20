// `npm run docs`: regenerates .env.example and the configuration table of docs/configuration.md from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderEnvExample, withConfigTable } from '../src/config/docs';
import { fromRoot } from '../src/config/paths';

writeFileSync(fromRoot('.env.example'), renderEnvExample());
const pagePath = fromRoot('docs', 'configuration.md');
writeFileSync(pagePath, withConfigTable(readFileSync(pagePath, 'utf8')));
console.log('wrote .env.example and the table of docs/configuration.md');
