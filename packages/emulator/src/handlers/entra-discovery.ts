/** The local Entra issuer's OpenID discovery document and key set, as `@azure/identity` and JWT libraries read them. */
import type { Handler } from '../context.js';

/** `GET /entra/{tenantId}/v2.0/.well-known/openid-configuration` (any GUID tenant). */
export const entraDiscovery: Handler = (ctx, request) => ({
  status: 200,
  // The configured public endpoint (else where it listens), never the request's Host header.
  body: ctx.entra.discovery(ctx.publicEndpoint.url, request.params.tenantId ?? ''),
});

/** `GET /entra/{tenantId}/discovery/v2.0/keys`: the issuer's one RS256 key. */
export const entraJwks: Handler = (ctx) => ({
  status: 200,
  body: ctx.entra.jwks(),
  headers: { 'cache-control': 'no-store' },
});
