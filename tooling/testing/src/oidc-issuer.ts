/**
 * A real OpenID provider on a free loopback port, as Entra ID or Auth0 would be to the gateway: a discovery document
 * (`/.well-known/openid-configuration`), its JWKS (`/keys`, one RS256 key), and RS256 tokens signed with that key or,
 * to test refusals, with a "stranger" key the JWKS does not publish.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** Options of {@link startOidcIssuer}. */
export interface OidcIssuerOptions {
  /** The `aud` of every token whose claims name none. @default 'my-app' */
  audience?: string;
  /** The `kid` of the published key, and of every token's header unless `sign` names another. @default 'key-1' */
  kid?: string;
  /** Claims every token carries unless `sign`'s claims replace them (e.g. a default `sub`). @default {} */
  claims?: JWTPayload;
}

/** Options of {@link OidcIssuer.sign}. */
export interface SignOptions {
  /** The header's `kid`. @default the issuer's kid */
  kid?: string;
  /** `'stranger'` signs with a key the JWKS does not publish. @default 'signing' */
  key?: 'signing' | 'stranger';
  /** Seconds from now until `exp`; negative for a token that has already expired. @default 600 */
  expiresIn?: number;
}

/** A running {@link startOidcIssuer}. */
export interface OidcIssuer {
  /** `http://127.0.0.1:<port>`: the discovery document's `issuer`, and the `iss` of tokens whose claims name none. */
  readonly issuer: string;
  /** The default `aud` of tokens. */
  readonly audience: string;
  /** The `kid` of the published key. */
  readonly kid: string;
  /**
   * An RS256 token: `iss` this issuer, `aud` the audience, `iat` ten seconds ago, `exp` `expiresIn` from now, then the
   * issuer's default claims, then `claims`, any of which may replace the ones before (cast a claim of the wrong type,
   * such as a numeric `sub`, to test refusals).
   */
  sign(claims?: JWTPayload, options?: SignOptions): Promise<string>;
  /** How many times the JWKS has been fetched. */
  jwksRequests(): number;
  /** Stops serving (the tokens already signed stay as they are). */
  close(): Promise<void>;
}

/** Starts an OpenID provider on a free port of 127.0.0.1. */
export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const audience = options.audience ?? 'my-app';
  const kid = options.kid ?? 'key-1';
  const signing = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(signing.publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  let issuer = '';
  let jwksRequests = 0;
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
    } else if (req.url === '/keys') {
      jwksRequests += 1;
      res.end(JSON.stringify(jwks));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    audience,
    kid,
    sign(claims = {}, o = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: issuer,
        aud: audience,
        iat: now - 10,
        exp: now + (o.expiresIn ?? 600),
        ...options.claims,
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? kid, typ: 'JWT' })
        .sign(o.key === 'stranger' ? stranger.privateKey : signing.privateKey);
    },
    jwksRequests: () => jwksRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
