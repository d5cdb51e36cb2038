import {
  assertCommunicationUserId,
  parseIdentifier,
  parseScopes,
  TOKEN_SCOPES,
  type TokenScope,
  validateTokenLifetime,
} from '@acs-identity/core';
import { decodeJwt } from 'jose';
import type { Caller } from '../authenticate.js';
import { GatewayError } from '../errors.js';
import type { ResolverServices } from './context.js';
import { createGuard } from './guard.js';
import { issueMyToken } from './my-token.js';
import { AuthorizationPolicy } from './policy.js';
import { accessTokenView, identifierView, scopeViews, typeResolvers } from './views.js';

interface TokenArgs {
  scopes: string[];
  expiresInMinutes?: number | null;
}

const lifetimeOf = (minutes: number | null | undefined): number | undefined =>
  minutes === null || minutes === undefined ? undefined : validateTokenLifetime(minutes);

const lifetimeOption = (minutes: number | undefined) =>
  minutes === undefined ? {} : { expiresInMinutes: minutes };

/** The scopes an issued ACS token carries (its `acsScope` claim), for `exchangeTeamsToken`. */
function scopesOfToken(token: string): TokenScope[] {
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

/** The resolvers, closed over the gateway's services. Every error leaves through the guard. */
export function createResolvers(services: ResolverServices) {
  const policy = new AuthorizationPolicy(services);
  const guarded = createGuard(services, policy);
  const backend = services.backend;
  const issued = (
    token: { token: string; expiresOn: Date },
    scopes: readonly TokenScope[],
    caller: Caller,
  ) => {
    services.metrics.tokensIssued.inc({ role: caller.role });
    return accessTokenView(token, scopes, services.now());
  };

  const Query = {
    me: guarded('me', (_args: object, caller) => caller),
    identifier: guarded('identifier', ({ rawId }: { rawId: string }) =>
      identifierView(parseIdentifier(rawId)),
    ),
    scopes: guarded('scopes', () => scopeViews(policy)),
    serverTime: guarded('serverTime', () => new Date(services.now())),
  };

  const adminMutations = {
    createUser: guarded('createUser', async (_args: object, caller) => {
      policy.adminOnly(caller, 'createUser');
      const { rawId } = await (await backend()).createUser();
      return { rawId };
    }),
    createUserAndToken: guarded('createUserAndToken', async (args: TokenArgs, caller) => {
      policy.adminOnly(caller, 'createUserAndToken');
      const scopes = parseScopes(args.scopes);
      const minutes = lifetimeOf(args.expiresInMinutes);
      const created = await (await backend()).createUserAndToken(scopes, lifetimeOption(minutes));
      return { user: { rawId: created.rawId }, accessToken: issued(created, scopes, caller) };
    }),
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
    deleteUser: guarded('deleteUser', async ({ userId }: { userId: string }, caller) => {
      policy.adminOnly(caller, 'deleteUser');
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

  const endUserMutations = {
    issueMyToken: guarded('issueMyToken', async (args: TokenArgs, caller) => {
      const user = policy.endUserOnly(caller, 'issueMyToken', 'issueToken');
      const scopes = parseScopes(args.scopes);
      const minutes = policy.endUserToken(scopes, lifetimeOf(args.expiresInMinutes));
      return issued(await issueMyToken(services, policy, user, scopes, minutes), scopes, caller);
    }),
    revokeMyTokens: guarded('revokeMyTokens', async (_args: object, caller) => {
      policy.endUserOnly(caller, 'revokeMyTokens', 'revokeTokens');
      const rawId = await policy.ownIdentity(caller);
      if (rawId !== undefined) await (await backend()).revokeTokens(rawId);
      return true;
    }),
  };

  return { ...typeResolvers(policy), Query, Mutation: { ...adminMutations, ...endUserMutations } };
}
