import { describe, expect, it } from 'vitest';
import { post, yogaWith } from '../../test/plugin-yoga.js';
import { useErrorCodes } from './use-error-codes.js';

const codes = (body: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  body.errors?.map((e) => [e.extensions?.code, e.extensions?.field]);

describe('useErrorCodes', () => {
  it('names the argument a bad variable feeds', async () => {
    const yoga = yogaWith([useErrorCodes()]);
    const answer = await post(yoga, 'query($n: String!) { hello(name: $n) }', { variables: { n: 5 } });
    expect(codes(answer.body)).toEqual([['BAD_USER_INPUT', 'name']]);
  });

  it('gives syntax and validation errors GRAPHQL_VALIDATION_FAILED', async () => {
    const yoga = yogaWith([useErrorCodes()]);
    expect(codes((await post(yoga, '{ hello(')).body)).toEqual([['GRAPHQL_VALIDATION_FAILED', undefined]]);
    expect(codes((await post(yoga, '{ nope }')).body)).toEqual([['GRAPHQL_VALIDATION_FAILED', undefined]]);
  });

  it('does not echo the request body in a parse error', async () => {
    const yoga = yogaWith([useErrorCodes()]);
    const response = await yoga.fetch('http://yoga.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ hello(name: \\"secret-value\\") }"',
    });
    const text = await response.text();
    expect(text).toContain('BAD_REQUEST');
    expect(text).not.toContain('secret-value');
  });
});
