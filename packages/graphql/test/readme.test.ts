import { readFileSync } from 'node:fs';
import { buildSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { typeDefs } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('the README', () => {
  it('shows the schema the gateway serves', () => {
    const block = /```graphql\n([\s\S]*?)\n```/.exec(readme)?.[1];
    // Compared as schemas: the formatter may lay out descriptions differently.
    expect(printSchema(buildSchema(block ?? ''))).toBe(printSchema(buildSchema(typeDefs)));
  });

  it('documents every environment variable the gateway reads', () => {
    const source = ['options.ts', 'gateway.ts', 'main.ts']
      .map((f) => readFileSync(new URL(`../src/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    const names = new Set(source.match(/\benv\.([A-Z_]+)/g)?.map((m) => m.slice(4)));
    expect(names.size).toBeGreaterThan(20);
    for (const name of names) expect(readme, name).toContain(`\`${name}\``);
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
