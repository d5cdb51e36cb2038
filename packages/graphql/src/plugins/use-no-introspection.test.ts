import { describe, expect, it } from 'vitest';
import { post, yogaWith } from '../../test/plugin-yoga.js';
import { useNoIntrospection } from './use-no-introspection.js';

describe('useNoIntrospection', () => {
  it('refuses __schema and __type, and keeps the rest', async () => {
    const yoga = yogaWith([useNoIntrospection()]);
    const schema = await post(yoga, '{ __schema { queryType { name } } }');
    expect(schema.body.errors?.[0]?.message).toMatch(/introspection/);
    expect((await post(yoga, '{ hello(name: "a") }')).body).toEqual({ data: { hello: 'hello a' } });
  });
});
