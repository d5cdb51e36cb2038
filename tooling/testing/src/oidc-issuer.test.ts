import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcIssuer, startOidcIssuer } from './oidc-issuer.js';

describe('startOidcIssuer', () => {
  let issuer: OidcIssuer;
  let keys: ReturnType<typeof createRemoteJWKSet>;

  beforeAll(async () => {
    issuer = await startOidcIssuer({ claims: { sub: 'user-42' } });
    const discovery = (await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(discovery).toEqual({ issuer: issuer.issuer, jwks_uri: `${issuer.issuer}/keys` });
    keys = createRemoteJWKSet(new URL(discovery.jwks_uri));
  });

  afterAll(() => issuer?.close());

  it('signs tokens that verify against the JWKS its discovery document names', async () => {
    const { payload, protectedHeader } = await jwtVerify(await issuer.sign(), keys, {
      issuer: issuer.issuer,
      audience: 'my-app',
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: 'key-1', typ: 'JWT' });
    expect(payload.sub).toBe('user-42');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(610);
    expect(issuer.jwksRequests()).toBe(1);
  });

  it('lets the claims replace the defaults, whatever their value', async () => {
    const claims = { sub: 12345, aud: 'another-app', iss: 'https://evil.example', tid: 't' };
    const token = await issuer.sign(claims as unknown as JWTPayload);
    expect(decodeJwt(token)).toMatchObject(claims);
  });

  it('signs with a key the JWKS does not publish when asked for the stranger', async () => {
    const token = await issuer.sign({}, { key: 'stranger' });
    expect(decodeProtectedHeader(token).kid).toBe('key-1');
    await expect(jwtVerify(token, keys)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('signs a token that has already expired for a negative lifetime, with the kid asked for', async () => {
    const token = await issuer.sign({}, { expiresIn: -120, kid: 'key-2' });
    expect(decodeProtectedHeader(token).kid).toBe('key-2');
    expect((decodeJwt(token).exp ?? 0) * 1000).toBeLessThan(Date.now());
  });
});

describe('startOidcIssuer with another audience and kid', () => {
  it('publishes its key under that kid and signs for that audience', async () => {
    const issuer = await startOidcIssuer({ audience: 'bench-app', kid: 'bench-1' });
    try {
      const keys = createRemoteJWKSet(new URL(`${issuer.issuer}/keys`));
      const { payload, protectedHeader } = await jwtVerify(await issuer.sign({ sub: 'u' }), keys, {
        audience: 'bench-app',
      });
      expect([issuer.audience, issuer.kid, protectedHeader.kid, payload.aud]).toEqual([
        'bench-app',
        'bench-1',
        'bench-1',
        'bench-app',
      ]);
    } finally {
      await issuer.close();
    }
  });
});
