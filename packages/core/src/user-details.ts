/**
 * Custom ids and identity details (api-version 2025-03-02-preview): a create with a `customId`, and
 * `GET /identities/{id}`. Node entry.
 */
import { assertCustomId, assertReadableUserId } from './access-input.js';
import { apiVersionFor } from './api-versions.js';
import type { IdentityOperationOptions } from './client-options.js';
import { validateTokenLifetime } from './lifetimes.js';
import type { CreatedWithCustomId, CreateWithCustomId, UserDetails } from './operation-types.js';
import type { RestCaller } from './rest-client.js';
import { parseScopes } from './scopes.js';
import type { ApiVersion } from './vocabulary.js';

/** An identity of the service's answers: `{id, customId?, lastTokenIssuedAt?}`. */
export function userDetailsOf(identity: unknown): UserDetails {
  const i = (identity ?? {}) as Record<string, unknown>;
  const out: UserDetails = { rawId: String(i.id) };
  if (typeof i.customId === 'string') out.customId = i.customId;
  if (typeof i.lastTokenIssuedAt === 'string') out.lastTokenIssuedAt = new Date(i.lastTokenIssuedAt);
  return out;
}

export interface UserDetailOperations {
  createWithCustomId(input: CreateWithCustomId): Promise<CreatedWithCustomId>;
  getUser(userId: string, options?: IdentityOperationOptions): Promise<UserDetails>;
}

/** The operations, at the client's api-version when it has them, else at the version that does. */
export function userDetailOperations(call: RestCaller, preferred: ApiVersion): UserDetailOperations {
  return {
    async createWithCustomId(input) {
      const body: Record<string, unknown> = { customId: assertCustomId(input.customId) };
      if (input.scopes !== undefined) body.createTokenWithScopes = parseScopes(input.scopes);
      if (input.expiresInMinutes !== undefined)
        body.expiresInMinutes = validateTokenLifetime(input.expiresInMinutes);
      const apiVersion = apiVersionFor('customId', preferred);
      const r = await call({
        method: 'POST',
        path: '/identities',
        apiVersion,
        body,
        abortSignal: input.abortSignal,
      });
      const answer = r.body as { identity?: unknown; accessToken?: { token?: unknown; expiresOn?: unknown } };
      const out: CreatedWithCustomId = userDetailsOf(answer.identity);
      if (answer.accessToken) {
        out.token = String(answer.accessToken.token);
        out.expiresOn = new Date(String(answer.accessToken.expiresOn));
      }
      return out;
    },
    async getUser(userId, options) {
      const id = assertReadableUserId(userId);
      const r = await call({
        method: 'GET',
        path: '/identities/{id}',
        params: [id],
        apiVersion: apiVersionFor('getIdentity', preferred),
        abortSignal: options?.abortSignal,
      });
      return userDetailsOf(r.body);
    },
  };
}
