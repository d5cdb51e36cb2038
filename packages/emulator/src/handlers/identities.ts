/** The ACS Identity operations on identities: create, delete, issue a token, revoke tokens. */
import { randomUUID } from 'node:crypto';
import { type ApiVersion, formatServiceTimestamp } from '@acs-identity/core';
import type { Handler, ServiceContext, ServiceRequest } from '../context.js';
import type { IdentityRecord } from '../store.js';
import { issueInstantSec, revocationSecond, signToken } from '../tokens.js';
import { ownedIdentity, parseLifetime, parseScopes } from './identity-input.js';

/** `createTokenWithScopes` given (not `null`): create answers with a token too, and counts as create-with-token. */
export function wantsToken(input: Record<string, unknown>): boolean {
  return input.createTokenWithScopes !== undefined && input.createTokenWithScopes !== null;
}

/** The request's ACS api-version (set by the pipeline on every ACS route). */
function versionOf(request: ServiceRequest): ApiVersion {
  if (request.apiVersion === undefined) throw new Error('An ACS route without an api-version.');
  return request.apiVersion;
}

async function issue(
  ctx: ServiceContext,
  request: ServiceRequest,
  identity: IdentityRecord,
  scopes: readonly string[],
  minutes: number,
): Promise<{ token: string; expiresOn: string }> {
  const signer = await ctx.keyring.signerFor(request.keyName);
  const { token, claims } = await signToken(signer, {
    identityId: identity.id,
    scopes,
    expiresInMinutes: minutes,
    resourceId: ctx.resource.resourceId,
    resourceLocation: ctx.resource.resourceLocation,
    iatSec: issueInstantSec(ctx.options.now(), identity),
  });
  return { token, expiresOn: formatServiceTimestamp(new Date(claims.exp * 1000)) };
}

/** `POST /identities`: 201 `{identity: {id}, accessToken?}`. */
export const createIdentity: Handler = async (ctx, request) => {
  const version = versionOf(request);
  const { input } = request;
  const withToken = wantsToken(input);
  const scopes = withToken ? parseScopes(input.createTokenWithScopes, version, 'createTokenWithScopes') : [];
  const minutes = parseLifetime(input.expiresInMinutes, version);
  const id = `8:acs:${ctx.resource.resourceId}_${randomUUID()}`;
  const identity = await ctx.store.createIdentity(id, ctx.options.now());
  const body: { identity: { id: string }; accessToken?: { token: string; expiresOn: string } } = {
    identity: { id },
  };
  if (withToken) body.accessToken = await issue(ctx, request, identity, scopes, minutes);
  return { status: 201, body };
};

/** `POST /identities/{id}/:issueAccessToken`: 200 `{token, expiresOn}`. */
export const issueAccessToken: Handler = async (ctx, request) => {
  const version = versionOf(request);
  const scopes = parseScopes(request.input.scopes, version, 'scopes');
  const minutes = parseLifetime(request.input.expiresInMinutes, version);
  const identity = await ownedIdentity(ctx, request.params.id ?? '');
  return { status: 200, body: await issue(ctx, request, identity, scopes, minutes) };
};

/**
 * `POST /identities/{id}/:revokeAccessTokens`: 204. A deleted identity answers 204 too: its tokens were revoked when
 * it was deleted, as a second delete answers 204 (one behaviour for both, see the README's decisions).
 */
export const revokeAccessTokens: Handler = async (ctx, request) => {
  const identity = await ownedIdentity(ctx, request.params.id ?? '', 'accept');
  if (identity.deletedAtMs === null) {
    // `undefined` when it was deleted meanwhile: its tokens are revoked all the same.
    await ctx.store.revokeTokens(identity.id, revocationSecond(ctx.options.now()));
  }
  return { status: 204 };
};

/** `DELETE /identities/{id}`: 204, also for an identity deleted before (idempotent, as Azure's DELETEs are). */
export const deleteIdentity: Handler = async (ctx, request) => {
  const identity = await ownedIdentity(ctx, request.params.id ?? '', 'accept');
  await ctx.store.deleteIdentity(identity.id, ctx.options.now());
  return { status: 204 };
};
