// Property-based tests: every parser of user input either returns a value or throws an AcsIdentityError (never a
// TypeError, RangeError, DOMException or SyntaxError), and its messages never echo a secret it was given.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertCommunicationUserId,
  decodeAccessToken,
  formatIdentifier,
  isAcsIdentityError,
  isApiVersion,
  isCommunicationUserId,
  parseIdentifier,
  parseScope,
  parseScopes,
  TOKEN_SCOPES,
  toAcsIdentityError,
  validateTokenLifetime,
} from '../src/index.js';
import { parseConnectionString } from '../src/node.js';

const RUNS = { numRuns: 400 };

/** Runs `f`; returns 'ok' or the error's code, failing the property on anything that is not our error. */
function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!isAcsIdentityError(e)) {
      throw new Error(
        `threw ${(e as Error)?.constructor?.name ?? typeof e}: ${String((e as Error)?.message ?? e)}`,
      );
    }
    return e.code;
  }
}

/** Any JSON-ish value, including the odd ones a caller may pass from untyped code. */
const anything = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(undefined, null, Number.NaN, Number.POSITIVE_INFINITY, -0, 1e308, Symbol('s'), () => 1),
);

const base64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe('parseIdentifier and formatIdentifier', () => {
  it('parse every string and give it back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(formatIdentifier(parseIdentifier(s))).toBe(s);
      }),
      RUNS,
    );
  });

  it('throw only INVALID_INPUT for values that are not strings', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const code = outcome(() => parseIdentifier(value as string));
        expect(['ok', 'INVALID_INPUT']).toContain(code);
        if (typeof value !== 'string') expect(code).toBe('INVALID_INPUT');
      }),
      RUNS,
    );
  });

  it('agree with isCommunicationUserId when asserting a user id', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anything,
          fc
            .tuple(fc.constantFrom('8:acs:', '8:spool:', '8:dod-acs:', '8:orgid:', '4:', ''), fc.string())
            .map(([p, s]) => p + s),
        ),
        (value) => {
          const code = outcome(() => assertCommunicationUserId(value));
          expect(code).toBe(isCommunicationUserId(value) ? 'ok' : 'INVALID_INPUT');
        },
      ),
      RUNS,
    );
  });
});

describe('parseScope and parseScopes', () => {
  it('accept every known scope in any case and with _ or .', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TOKEN_SCOPES),
        fc.boolean(),
        fc.boolean(),
        (scope, upper, underscore) => {
          let input: string = upper ? scope.toUpperCase() : scope;
          if (underscore) input = input.replaceAll('.', '_');
          expect(parseScope(` ${input} `)).toBe(scope);
        },
      ),
      RUNS,
    );
  });

  it('throw only INVALID_INPUT with target scopes for anything else', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const code = outcome(() => parseScope(value as string));
        if (code !== 'ok') {
          expect(code).toBe('INVALID_INPUT');
          try {
            parseScope(value as string);
          } catch (e) {
            expect(toAcsIdentityError(e).target).toBe('scopes');
          }
        }
      }),
      RUNS,
    );
  });

  it('throw only INVALID_INPUT for any list, and return known scopes without duplicates', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anything,
          fc.array(
            fc.oneof(fc.constantFrom(...TOKEN_SCOPES, 'CHAT_JOIN', ',', ' ', 'chat,voip', ''), fc.string()),
          ),
          fc.array(anything),
        ),
        (value) => {
          let result: unknown;
          const code = outcome(() => {
            result = parseScopes(value as string[]);
          });
          expect(['ok', 'INVALID_INPUT']).toContain(code);
          if (code === 'ok') {
            const scopes = result as string[];
            expect(scopes.length).toBeGreaterThan(0);
            expect(new Set(scopes).size).toBe(scopes.length);
            for (const s of scopes) expect(TOKEN_SCOPES).toContain(s);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('validateTokenLifetime', () => {
  it('accepts exactly the whole numbers 60..1440', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -5000, max: 5000 }), fc.double(), anything), (value) => {
        const code = outcome(() => validateTokenLifetime(value));
        const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
        const valid =
          typeof number === 'number' && Number.isInteger(number) && number >= 60 && number <= 1440;
        expect(code).toBe(valid ? 'ok' : 'INVALID_INPUT');
      }),
      RUNS,
    );
  });

  it.each([0, 59, 1441, -1, 1e9, 60.5, '59', '1e3', '', null, Number.NaN])('rejects %j', (value) => {
    expect(outcome(() => validateTokenLifetime(value))).toBe('INVALID_INPUT');
  });

  it.each([60, 1440, '60', ' 1440 '])('accepts %j', (value) => {
    expect(outcome(() => validateTokenLifetime(value))).toBe('ok');
  });
});

describe('isApiVersion', () => {
  it('never throws', () => {
    fc.assert(
      fc.property(anything, (value) => {
        expect(typeof isApiVersion(value as string)).toBe('boolean');
      }),
      RUNS,
    );
  });
});

describe('parseConnectionString', () => {
  const key = fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((b) => Buffer.from(b).toString('base64'))
    // A key long enough to be recognisable in a message.
    .filter((k) => k.length >= 12);
  const endpoint = fc.oneof(
    fc.webUrl(),
    fc.constantFrom(
      'https://contoso.communication.azure.com/',
      'https://contoso.communication.azure.com',
      'http://127.0.0.1:8080/',
      'https://[::1]:1/',
      'ftp://x/',
      'https://x/path',
      'https://user:pw@x/',
      'https://[::1',
      '',
      ' ',
    ),
    fc.string(),
  );
  const part = fc.oneof(
    fc.tuple(fc.constantFrom('endpoint', 'ENDPOINT', 'Endpoint'), endpoint).map(([k, v]) => `${k}=${v}`),
    fc
      .tuple(fc.constantFrom('accesskey', 'AccessKey', 'ACCESSKEY'), fc.oneof(key, fc.string()))
      .map(([k, v]) => `${k}=${v}`),
    fc.string(),
    fc.constantFrom('=', ';', '==;', 'accesskey', 'endpoint=;accesskey='),
  );

  it('parses or throws INVALID_INPUT, and never echoes the key', () => {
    fc.assert(
      fc.property(fc.array(part, { maxLength: 4 }), key, fc.boolean(), (parts, secret, withKey) => {
        const all = withKey ? [...parts, `accesskey=${secret}`] : parts;
        const input = all.join(';');
        try {
          const parsed = parseConnectionString(input);
          expect(parsed.endpoint.endsWith('/')).toBe(true);
        } catch (e) {
          if (!isAcsIdentityError(e)) throw e;
          expect(e.code).toBe('INVALID_INPUT');
          if (withKey) expect(e.message).not.toContain(secret);
          for (const p of all) {
            const value = /^accesskey=(.{12,})$/i.exec(p)?.[1];
            if (value !== undefined) expect(e.message).not.toContain(value);
          }
        }
      }),
      RUNS,
    );
  });

  it('throws INVALID_INPUT for values that are not strings', () => {
    fc.assert(
      fc.property(anything, (value) => {
        expect(['ok', 'INVALID_INPUT']).toContain(outcome(() => parseConnectionString(value as string)));
      }),
      RUNS,
    );
  });
});

describe('decodeAccessToken', () => {
  const json = fc.oneof(
    fc.json(),
    fc
      .record({ exp: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)) })
      .map((o) => JSON.stringify(o)),
    fc
      .record(
        {
          exp: fc.integer({ min: 0, max: 4_000_000_000 }),
          iat: fc.oneof(fc.integer(), fc.double(), fc.string()),
          acsScope: fc.oneof(fc.string(), fc.integer()),
          skypeid: fc.oneof(fc.string(), fc.integer()),
        },
        { requiredKeys: ['exp'] },
      )
      .map((o) => JSON.stringify(o)),
  );
  const segment = fc.oneof(json.map(base64url), fc.string(), fc.string({ unit: 'binary' }), fc.constant(''));
  const token = fc.oneof(
    fc.tuple(segment, segment, segment).map((p) => p.join('.')),
    fc.array(segment, { maxLength: 5 }).map((p) => p.join('.')),
    fc.string(),
    anything,
  );

  it('decodes or throws INVALID_INPUT, whatever it is given', () => {
    fc.assert(
      fc.property(token, (value) => {
        let decoded: ReturnType<typeof decodeAccessToken> | undefined;
        const code = outcome(() => {
          decoded = decodeAccessToken(value as string);
        });
        expect(['ok', 'INVALID_INPUT']).toContain(code);
        if (decoded !== undefined) {
          expect(Number.isFinite(decoded.expiresOnTimestamp)).toBe(true);
          expect(Number.isNaN(decoded.expiresOn.getTime())).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('never puts the token in its message', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 20 }).filter((s) => /^[\w-]+$/.test(s)),
        (secret) => {
          const bad = `${base64url('{"alg":"none"}')}.${base64url(`{"sub":"${secret}"}`)}.${secret}`;
          try {
            decodeAccessToken(bad);
          } catch (e) {
            expect(isAcsIdentityError(e)).toBe(true);
            expect((e as Error).message).not.toContain(secret);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects an exp outside the range of dates', () => {
    const token = `${base64url('{"alg":"RS256"}')}.${base64url('{"exp":1e300}')}.sig`;
    expect(outcome(() => decodeAccessToken(token))).toBe('INVALID_INPUT');
  });
});

describe('toAcsIdentityError', () => {
  it('turns anything thrown into our error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anything,
          fc.record({
            statusCode: fc.oneof(fc.integer({ min: 0, max: 999 }), fc.string(), fc.constant(undefined)),
            code: fc.oneof(fc.string(), fc.constant(undefined)),
            message: fc.oneof(fc.string(), fc.constant(undefined)),
            response: fc.oneof(
              fc.constant(undefined),
              fc.record({
                bodyAsText: fc.oneof(fc.string(), fc.json(), fc.constant(undefined)),
                headers: fc.oneof(fc.constant(undefined), fc.dictionary(fc.string(), fc.string())),
              }),
            ),
          }),
        ),
        (value) => {
          const error = toAcsIdentityError(value);
          expect(isAcsIdentityError(error)).toBe(true);
        },
      ),
      RUNS,
    );
  });
});
