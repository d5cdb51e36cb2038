import { describe, expect, it } from 'vitest';
import { post, yogaWith } from '../../test/plugin-yoga.js';
import { useOncePerRequest } from './use-once-per-request.js';

describe('useOncePerRequest', () => {
  const yoga = yogaWith([useOncePerRequest({ fields: ['hello'] })]);

  it.each([
    ['aliases', '{ hello(name: "a") b: hello(name: "b") }'],
    ['a fragment', '{ hello(name: "a") ...F } fragment F on Query { c: hello(name: "c") }'],
    ['an inline fragment', '{ ... on Query { a: hello(name: "a") } b: hello(name: "b") }'],
  ])('refuses a listed field asked for twice through %s, before anything runs', async (_how, query) => {
    const answer = await post(yoga, query);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      [
        'At most one hello per request: each one takes from a budget shared with everyone else. Send one request per hello.',
        'GRAPHQL_VALIDATION_FAILED',
      ],
    ]);
  });

  it('lets one through, beside other fields, and twice the same field with the same arguments (one execution)', async () => {
    expect((await post(yoga, '{ hello(name: "a") whoami }')).body).toEqual({
      data: { hello: 'hello a', whoami: null },
    });
    expect((await post(yoga, '{ hello(name: "a") hello(name: "a") }')).body).toEqual({
      data: { hello: 'hello a' },
    });
  });
});
