import { describe, expect, it } from 'vitest';
import { post, yogaWith } from '../../test/plugin-yoga.js';
import { useReadiness } from './use-readiness.js';

describe('useReadiness', () => {
  it("answers /readyz with yoga's readiness check and leaves every other path alone", async () => {
    let ready = true;
    let checks = 0;
    const yoga = yogaWith([
      useReadiness({
        check: () => {
          checks += 1;
          return ready;
        },
      }),
    ]);
    expect((await yoga.fetch('http://yoga.test/readyz')).status).toBe(200);
    ready = false;
    expect((await yoga.fetch('http://yoga.test/readyz')).status).toBe(503);
    expect((await post(yoga, '{ hello(name: "a") }')).body).toEqual({ data: { hello: 'hello a' } });
    expect(checks).toBe(2);
  });
});
