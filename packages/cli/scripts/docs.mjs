// Regenerates the option tables of README.md from the typed definition (src/options.ts). Run after `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { normalizeTables, renderOptionDocs, replaceGenerated } from '../dist/docs.js';

const file = new URL('../README.md', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = replaceGenerated(before, renderOptionDocs());
const changed = normalizeTables(after) !== normalizeTables(before);
if (changed) writeFileSync(file, after);
console.log(changed ? 'README.md option tables updated' : 'README.md option tables are up to date');
