import { describe, expect, it } from 'vitest';
import { yogaWith } from '../../test/plugin-yoga.js';
import { useCsrfPrevention } from './use-csrf-prevention.js';

describe('useCsrfPrevention', () => {
  const yoga = yogaWith([useCsrfPrevention()]);
  const send = (init: RequestInit, query = '') => yoga.fetch(`http://yoga.test/graphql${query}`, init);

  it('refuses what a browser sends cross-site without a preflight, saying what to send', async () => {
    const form = await send({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=%7B__typename%7D',
    });
    expect(form.status).toBe(403);
    expect(((await form.json()) as { errors: unknown[] }).errors).toEqual([
      {
        message:
          'Refused as possible CSRF: send POST with content-type application/json, or add the header x-graphql-csrf: 1.',
        extensions: { code: 'BAD_REQUEST' },
      },
    ]);
    expect((await send({}, '?query=%7B__typename%7D')).status).toBe(403);
  });

  it('lets JSON posts and requests with a preflight header through', async () => {
    const json = await send({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(json.status).toBe(200);
    for (const header of ['x-graphql-csrf', 'graphql-require-preflight', 'apollo-require-preflight']) {
      const get = await send(
        { headers: { [header]: '1', accept: 'application/json' } },
        '?query=%7B__typename%7D',
      );
      expect(get.status, header).toBe(200);
    }
  });
});
