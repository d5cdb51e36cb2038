import {
  assertCommunicationUserId,
  parseIdentifier,
  parseScopes,
  TOKEN_SCOPES,
  type TokenScope,
  validateTokenLifetime,
} from '@acs-identity/core';
import { decodeJwt } from 'jose';
import { GatewayError, toGatewayError } from '../errors.js';
import type { UserView } from './context.js';
import type { ResolverTools } from './tools.js';
import { identifierView, scopeViews } from './views.js';

/** The identities, their tokens and the caller: the resolvers of today's and the classic operations. */

export interface TokenArgs {
  scopes: string[];
  expiresInMinutes?: number | null;
}

const lifetimeOf = (minutes: number | null | undefined): number | undefined =>
  minutes === null || minutes === undefined ? undefined : validateTokenLifetime(minutes);

const lifetimeOption = (minutes: number | undefined) =>
  minutes === undefined ? {} : { expiresInMinutes: minutes };

/** A custom id argument: absent or null for none. */
const customIdOption = (customId: string | null | undefined) =>
  customId === null || customId === undefined ? {} : { customId };

/** The scopes an issued ACS token carries (its `acsScope` claim), for the exchanges. */
export function scopesOfToken(token: string): TokenScope[] {
  try {
    const { acsScope } = decodeJwt(token);
    if (typeof acsScope !== 'string') return [];
    return acsScope
      .split(',')
      .filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s));
  } catch {
    return [];
  }
}

/** `me`, `identifier`, `scopes`, `serverTime`, `user`. */
export function identityQueries(tools: ResolverTools) {
  const { guarded, services, backend, policy } = tools;
  return {
    me: guarded('me', (_args: object, caller) => caller),
    identifier: guarded('identifier', ({ rawId }: { rawId: string }) =>
      identifierView(parseIdentifier(rawId)),
    ),
    scopes: guarded('scopes', () => scopeViews(policy)),
    serverTime: guarded('serverTime', () => new Date(services.now())),
    user: guarded('user', async ({ id }: { id: string }): Promise<UserView> => {
      try {
        const details = await (await backend()).getUser(id);
        return { rawId: details.rawId, details };
      } catch (e) {
        throw toGatewayError(e, { fieldNames: { userId: 'id' } });
      }
    }),
  };
}

/** The administrators' identity mutations (and `issueToken`/`revokeTokens`, also for an end user's own identity). */
export function identityMutations(tools: ResolverTools) {
  const { guarded, services, backend, policy, issued } = tools;
  return {
    createUser: guarded(
      'createUser',
      async ({ customId }: { customId?: string | null }): Promise<UserView> => {
        const created = await (await backend()).createUser(customIdOption(customId));
        // Without a custom id the new identity has neither a custom id nor a token yet: nothing left to read.
        return { rawId: created.rawId, details: created };
      },
    ),
    createUserAndToken: guarded(
      'createUserAndToken',
      async (args: TokenArgs & { customId?: string | null }, caller) => {
        const scopes = parseScopes(args.scopes);
        const minutes = lifetimeOf(args.expiresInMinutes);
        const withCustomId = customIdOption(args.customId);
        const created = await (await backend()).createUserAndToken(scopes, {
          ...lifetimeOption(minutes),
          ...withCustomId,
        });
        const { token, expiresOn, ...details } = created;
        // With a custom id the service answered the identity whole; without, its last issue time is the service's.
        const user: UserView = args.customId ? { rawId: created.rawId, details } : { rawId: created.rawId };
        return { user, accessToken: issued({ token, expiresOn }, scopes, caller) };
      },
    ),
    issueToken: guarded('issueToken', async (args: TokenArgs & { userId: string }, caller) => {
      const userId = assertCommunicationUserId(args.userId, 'userId');
      const scopes = parseScopes(args.scopes);
      let minutes = lifetimeOf(args.expiresInMinutes);
      await policy.forIdentity(caller, userId, 'issue tokens');
      if (caller.role === 'user') minutes = policy.endUserToken(scopes, minutes);
      return issued(
        await (await backend()).issueToken(userId, scopes, lifetimeOption(minutes)),
        scopes,
        caller,
      );
    }),
    revokeTokens: guarded('revokeTokens', async ({ userId }: { userId: string }, caller) => {
      const id = assertCommunicationUserId(userId, 'userId');
      await policy.forIdentity(caller, id, 'revoke tokens');
      await (await backend()).revokeTokens(id);
      return true;
    }),
    deleteUser: guarded('deleteUser', async ({ userId }: { userId: string }) => {
      const id = assertCommunicationUserId(userId, 'userId');
      // The mapping goes first: a user never keeps pointing at a deleted identity.
      await services.store.deleteByRawId(id);
      await (await backend()).deleteUser(id);
      return true;
    }),
    exchangeTeamsToken: guarded(
      'exchangeTeamsToken',
      async (args: { aadToken: string; appId: string; userId: string }, caller) => {
        for (const field of ['aadToken', 'appId', 'userId'] as const) {
          if (args[field].trim() === '')
            throw new GatewayError('BAD_USER_INPUT', `${field} must not be empty.`, { field });
        }
        policy.teamsExchange(caller, args.userId);
        const token = await (await backend()).exchangeTeamsToken(args);
        return issued(token, scopesOfToken(token.token), caller);
      },
    ),
  };
}

/** The end users' own mutations. */
export function endUserMutations(tools: ResolverTools) {
  const { guarded, backend, policy, mapping, issued } = tools;
  return {
    issueMyToken: guarded('issueMyToken', async (args: TokenArgs, caller) => {
      const user = policy.endUserOnly(caller, 'issueMyToken', 'issueToken');
      const scopes = parseScopes(args.scopes);
      const minutes = policy.endUserToken(scopes, lifetimeOf(args.expiresInMinutes));
      return issued(await mapping.issue(user, scopes, minutes), scopes, caller);
    }),
    revokeMyTokens: guarded('revokeMyTokens', async (_args: object, caller) => {
      policy.endUserOnly(caller, 'revokeMyTokens', 'revokeTokens');
      const own = await policy.ownIdentity(caller);
      if (own !== undefined) await (await backend()).revokeTokens(own.rawId);
      return true;
    }),
  };
}
