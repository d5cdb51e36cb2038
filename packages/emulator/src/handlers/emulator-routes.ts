/** The emulator's own routes (no authentication, no api-version): token verification, its JWKS, health. */
import { formatServiceTimestamp } from '@acs-identity/core';
import type { Handler } from '../context.js';
import { serviceErrors } from '../service-errors.js';
import { verifyToken as verdictOf } from '../tokens.js';

/** `POST /emulator/verify-token` with `{"token"}`: 200 `{valid, reason?, identity?, expiresOn?}`. */
export const verifyToken: Handler = async (ctx, request) => {
  const { token } = request.input;
  if (typeof token !== 'string' || token === '') throw serviceErrors.verifyTokenWithoutToken();
  const verdict = await verdictOf(
    token,
    ctx.keyring,
    (id) => ctx.store.getIdentity(id),
    ctx.options.now(),
    formatServiceTimestamp,
  );
  return { status: 200, body: verdict, headers: { 'cache-control': 'no-store' } };
};

/** `GET /emulator/jwks.json`: the token signing keys in use. */
export const signingKeys: Handler = async (ctx) => ({
  status: 200,
  body: await ctx.keyring.jwks(),
  headers: { 'cache-control': 'no-store' },
});

/** `GET /emulator/health`. */
export const health: Handler = (ctx) => ({
  status: 200,
  body: { status: 'ok', resourceId: ctx.resource.resourceId },
});
