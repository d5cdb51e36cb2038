/** The ACS Identity operations on identities: create, get, delete, issue a token, revoke tokens. */
import { randomUUID } from 'node:crypto';
import { type ApiVersion, apiVersionFeatures } from '@acs-identity/core';
import type { Handler, ServiceRequest } from '../context.js';
import type { IdentityRecord } from '../store.js';
import { revocationSecond } from '../tokens.js';
import {
  identityToRead,
  ownedIdentity,
  parseCustomId,
  parseLifetime,
  parseScopes,
} from './identity-input.js';
import { type IssuedAccessToken, issueAccessToken as issue } from './token-issue.js';

/** `createTokenWithScopes` given (not `null`): create answers with a token too, and counts as create-with-token. */
export function wantsToken(input: Record<string, unknown>): boolean {
  return input.createTokenWithScopes !== undefined && input.createTokenWithScopes !== null;
}

/** The request's ACS api-version (set by the pipeline on every ACS route). */
function versionOf(request: ServiceRequest): ApiVersion {
  if (request.apiVersion === undefined) throw new Error('An ACS route without an api-version.');
  return request.apiVersion;
}

/** An identity as the service shows it: `{id}`, plus `customId`/`lastTokenIssuedAt` at the versions that have them. */
interface IdentityBody {
  id: string;
  customId?: string;
  lastTokenIssuedAt?: string;
}

function identityBody(
  version: ApiVersion,
  id: string,
  customId: string | null | undefined,
  lastTokenIssuedAt: string | null | undefined,
): IdentityBody {
  const body: IdentityBody = { id };
  if (!apiVersionFeatures(version).customId) return body;
  if (customId) body.customId = customId;
  if (lastTokenIssuedAt) body.lastTokenIssuedAt = lastTokenIssuedAt;
  return body;
}

/**
 * `POST /identities`: 201 `{identity: {id, customId?, lastTokenIssuedAt?}, accessToken?}`. With a `customId`
 * (2025-03-02-preview) the identity that has it is answered again (201 too), and gets a token when one is asked for.
 */
export const createIdentity: Handler = async (ctx, request) => {
  const version = versionOf(request);
  const { input } = request;
  const customId = parseCustomId(input.customId, version);
  const withToken = wantsToken(input);
  const scopes = withToken ? parseScopes(input.createTokenWithScopes, version, 'createTokenWithScopes') : [];
  const minutes = parseLifetime(input.expiresInMinutes, version);
  const id = `8:acs:${ctx.resource.resourceId}_${randomUUID()}`;
  const now = ctx.options.now();
  let identity: IdentityRecord;
  let created = true;
  if (customId === undefined) identity = await ctx.store.createIdentity(id, now);
  else ({ identity, created } = await ctx.store.createIdentityForCustomId(id, customId, now));
  let accessToken: IssuedAccessToken | undefined;
  if (withToken) {
    accessToken = await issue(ctx, request, {
      identityId: identity.id,
      scopes,
      expiresInMinutes: minutes,
      revokedBeforeSec: identity.revokedBeforeSec,
    });
  }
  const lastTokenIssuedAt =
    accessToken?.issuedAt ??
    (created ? undefined : (await ctx.store.getIdentityDetails(identity.id))?.lastTokenIssuedAt);
  const body: { identity: IdentityBody; accessToken?: { token: string; expiresOn: string } } = {
    identity: identityBody(version, identity.id, customId, lastTokenIssuedAt),
  };
  if (accessToken) body.accessToken = { token: accessToken.token, expiresOn: accessToken.expiresOn };
  return { status: 201, body };
};

/** `GET /identities/{id}` (2025-03-02-preview): 200 `{id, customId?, lastTokenIssuedAt?}`, not wrapped. */
export const getIdentity: Handler = async (ctx, request) => {
  const record = await identityToRead(ctx, request.params.id ?? '');
  return {
    status: 200,
    body: identityBody(versionOf(request), record.id, record.customId, record.lastTokenIssuedAt),
  };
};

/** `POST /identities/{id}/:issueAccessToken`: 200 `{token, expiresOn}`. */
export const issueAccessToken: Handler = async (ctx, request) => {
  const version = versionOf(request);
  const scopes = parseScopes(request.input.scopes, version, 'scopes');
  const minutes = parseLifetime(request.input.expiresInMinutes, version);
  const identity = await ownedIdentity(ctx, request.params.id ?? '');
  const { token, expiresOn } = await issue(ctx, request, {
    identityId: identity.id,
    scopes,
    expiresInMinutes: minutes,
    revokedBeforeSec: identity.revokedBeforeSec,
  });
  return { status: 200, body: { token, expiresOn } };
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

/**
 * `DELETE /identities/{id}`: 204, also for an identity deleted before (idempotent, as Azure's DELETEs are). Its
 * custom id is freed: a later create with it makes a new identity.
 */
export const deleteIdentity: Handler = async (ctx, request) => {
  const identity = await ownedIdentity(ctx, request.params.id ?? '', 'accept');
  await ctx.store.deleteIdentity(identity.id, ctx.options.now());
  return { status: 204 };
};
