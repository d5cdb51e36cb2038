import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeTables, OPTIONS_BEGIN, OPTIONS_END, renderOptionDocs } from './docs.js';
import { COMMANDS, GLOBAL_OPTIONS } from './options.js';

describe('README option tables', () => {
  it('match the typed option definition (run `npm run build && npm run docs` to update)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(OPTIONS_BEGIN) + OPTIONS_BEGIN.length;
    const end = readme.indexOf(OPTIONS_END);
    expect(normalizeTables(readme.slice(start, end).trim())).toBe(normalizeTables(renderOptionDocs()));
  });

  it('compare tables whatever their padding', () => {
    expect(normalizeTables('| a   | b |\n| --- | - |\n| x \\| y | z |')).toBe(
      '| a | b |\n| --- | --- |\n| x \\| y | z |',
    );
  });

  it('document every command and every global option', () => {
    const docs = renderOptionDocs();
    for (const command of COMMANDS) expect(docs).toContain(`### \`acs-identity ${command.path.join(' ')}`);
    for (const name of Object.keys(GLOBAL_OPTIONS)) expect(docs).toContain(`\`--${name}`);
  });
});
