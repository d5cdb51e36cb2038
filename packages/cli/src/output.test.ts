import { describe, expect, it } from 'vitest';
import { renderResult, sortKeys } from './output.js';

const user = { rawId: '8:acs:r_1', properties: { id: '8:acs:r_1' } };

describe('renderResult', () => {
  it('prints JSON with keys sorted like az, nested objects included', async () => {
    expect(await renderResult(user, 'json')).toBe(
      '{\n  "properties": {\n    "id": "8:acs:r_1"\n  },\n  "rawId": "8:acs:r_1"\n}',
    );
  });

  it('prints nothing for commands without a result and for -o none', async () => {
    expect(await renderResult(undefined, 'json')).toBeUndefined();
    expect(await renderResult(user, 'none')).toBeUndefined();
  });

  it('leaves nested objects and id/type/etag out of tables, capitalising the first letter of headers', async () => {
    expect(await renderResult({ ...user, type: 'x', expires_on: 'e' }, 'table')).toBe(
      'Expires_on  RawId\n----------  ---------\ne           8:acs:r_1',
    );
  });

  it('prints one table row per list item, and a Result column for scalars', async () => {
    expect(await renderResult([{ a: 1 }, { a: 22, b: true }], 'table')).toBe('A   B\n--  ----\n1\n22  true');
    expect(await renderResult('x', 'table')).toBe('Result\n------\nx');
  });

  it('prints tsv values in key order with nested objects empty and lists as their length', async () => {
    expect(await renderResult({ b: [1, 2, 3], a: 'x', c: { d: 1 }, e: null }, 'tsv')).toBe('x\t3\t\t');
    expect(await renderResult([{ a: 1 }, { a: 2 }], 'tsv')).toBe('1\n2');
  });

  it('applies --query before formatting', async () => {
    expect(await renderResult(user, 'tsv', 'rawId')).toBe('8:acs:r_1');
    expect(await renderResult(user, 'json', 'properties.id')).toBe('"8:acs:r_1"');
    expect(await renderResult([user, user], 'json', 'length(@)')).toBe('2');
  });

  it('prints a query that matches nothing as null in JSON and as nothing in tsv', async () => {
    expect(await renderResult(user, 'json', 'missing')).toBe('null');
    expect(await renderResult(user, 'tsv', 'missing')).toBe('');
  });

  it('prints YAML with sorted keys', async () => {
    expect(await renderResult(user, 'yaml')).toBe('properties:\n  id: 8:acs:r_1\nrawId: 8:acs:r_1');
  });

  it('colours JSON keys and strings with jsonc', async () => {
    expect(await renderResult({ n: 1, s: 'v', b: false }, 'jsonc')).toBe(
      '{\n  \u001b[94m"b"\u001b[0m: \u001b[35mfalse\u001b[0m,\n  \u001b[94m"n"\u001b[0m: \u001b[36m1\u001b[0m,\n  \u001b[94m"s"\u001b[0m: \u001b[32m"v"\u001b[0m\n}',
    );
  });

  it('rejects an invalid query as a usage error', async () => {
    await expect(renderResult(user, 'json', 'a[')).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('sortKeys', () => {
  it('sorts recursively through arrays', () => {
    expect(JSON.stringify(sortKeys([{ b: 1, a: { d: 1, c: 2 } }]))).toBe('[{"a":{"c":2,"d":1},"b":1}]');
  });
});
