import { readFileSync } from 'node:fs';
import { optionsMarkdownTable } from '@acs-identity/core';
import { buildSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { errorsMarkdownTable } from '../src/errors.js';
import { GATEWAY_OPTIONS, typeDefs } from '../src/index.js';
import { accessMarkdownTable } from '../src/schema/operations.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** A Markdown table as rows of trimmed cells, whatever padding the formatter gave it. */
function cells(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .map((row) =>
      row
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((cell) => (/^\s*:?-+:?\s*$/.test(cell) ? '---' : cell.trim())),
    );
}

/** The table between `<!-- BEGIN name -->` and `<!-- END name -->`. */
function between(name: string): string[][] {
  const match = new RegExp(`<!-- BEGIN ${name} -->\\n([\\s\\S]*?)\\n<!-- END ${name} -->`).exec(readme);
  return cells(match?.[1] ?? '');
}

describe('the README', () => {
  it('shows the schema the gateway serves', () => {
    const block = /```graphql\n([\s\S]*?)\n```/.exec(readme)?.[1];
    // Compared as schemas: the formatter may lay out descriptions differently.
    expect(printSchema(buildSchema(block ?? ''))).toBe(printSchema(buildSchema(typeDefs)));
  });

  it('documents every environment variable the gateway reads', () => {
    const names = new Set([
      ...Object.values(GATEWAY_OPTIONS).flatMap((o: { env?: string }) =>
        o.env === undefined ? [] : [o.env],
      ),
      'PORT',
      'NODE_ENV',
    ]);
    expect(names.size).toBeGreaterThan(20);
    for (const name of names) expect(readme, name).toContain(`\`${name}\``);
  });

  it('shows the option table generated from GATEWAY_OPTIONS', () => {
    expect(between('GATEWAY_OPTIONS')).toEqual(cells(optionsMarkdownTable(GATEWAY_OPTIONS)));
  });

  it('shows the error table generated from GATEWAY_ERRORS', () => {
    expect(between('GATEWAY_ERRORS')).toEqual(cells(errorsMarkdownTable()));
  });

  it('shows who may call what, generated from ROOT_FIELDS', () => {
    expect(between('ROOT_FIELDS')).toEqual(cells(accessMarkdownTable()));
  });
});

describe('the README example', () => {
  it('is the typechecked copy in test/readme-example.ts', () => {
    const block = /```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
    const copy = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8')
      .split('\n')
      .slice(1)
      .join('\n')
      .replace("'../src/index.js'", "'@acs-identity/graphql'");
    expect(`${block}\n`).toBe(copy);
  });
});
