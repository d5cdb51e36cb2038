import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ROOT_FIELDS, rootFieldCost } from './operations.js';
import { typeDefs } from './type-defs.js';

describe('the operations table', () => {
  it('has one entry for every root field of the schema, of the right type, and no other', () => {
    const schema = buildSchema(typeDefs);
    const fields = [
      ...Object.keys(schema.getQueryType()?.getFields() ?? {}).map((name) => [name, 'query']),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}).map((name) => [name, 'mutation']),
    ];
    expect(
      Object.entries(ROOT_FIELDS)
        .map(([name, field]) => [name, field.type])
        .sort(),
    ).toEqual(fields.sort());
  });

  it('gives every root field a cost of at least one unit, and one unit to a field it does not know', () => {
    for (const [name, field] of Object.entries(ROOT_FIELDS)) {
      expect(Number.isInteger(field.cost) && field.cost >= 1, name).toBe(true);
      expect(rootFieldCost(name)).toBe(field.cost);
    }
    expect(rootFieldCost('__typename')).toBe(1);
    expect(rootFieldCost('constructor')).toBe(1);
  });

  it('names what administrators use instead of every end-user field', () => {
    for (const [name, field] of Object.entries(ROOT_FIELDS)) {
      if (field.access === 'endUser')
        expect(Object.hasOwn(ROOT_FIELDS, field.adminAlternative), name).toBe(true);
    }
  });
});
