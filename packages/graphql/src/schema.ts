import {
  assertCommunicationUserId,
  type CommunicationIdentifierKind,
  decodeAccessToken,
  parseIdentifier,
  parseScopes,
  SCOPE_DETAILS,
  TOKEN_SCOPES,
  type TokenScope,
  validateTokenLifetime,
} from '@acs-identity/core';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { Caller } from './auth.js';
import type { IdentityBackend } from './backend.js';
import { GatewayError, toGatewayError, toGraphQLError } from './errors.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { MappingStore, UserKey } from './store.js';

/** The gateway's GraphQL schema (SDL). */
export const typeDefs = /* GraphQL */ `
  """
  An instant in time, as an ISO-8601 string in UTC with milliseconds, e.g. 2026-11-22T02:17:45.000Z.
  """
  scalar DateTime

  "What an access token allows; see the scopes query for details."
  enum TokenScope {
    CHAT
    VOIP
    CHAT_JOIN
    CHAT_JOIN_LIMITED
    VOIP_JOIN
  }

  "An ACS access token."
  type AccessToken {
    "The token, to hand to the ACS Calling or Chat SDK."
    token: String!
    "When the token expires."
    expiresOn: DateTime!
    "The scopes the token was issued for."
    scopes: [TokenScope!]!
    "The gateway's clock when the token was issued, so clients can correct for their own clock's skew."
    serverTime: DateTime!
  }

  "An ACS communication user identity."
  type CommunicationUser {
    "The raw id, e.g. 8:acs:<resource id>_<user id>."
    rawId: ID!
    "Same as rawId: the name the ACS SDKs give it (CommunicationUserIdentifier.communicationUserId)."
    communicationUserId: ID!
  }

  type UserAndToken {
    user: CommunicationUser!
    accessToken: AccessToken!
  }

  enum CallerRole {
    ADMIN
    END_USER
  }

  "Who is calling."
  type Caller {
    role: CallerRole!
    "The OpenID issuer of an end user's token (null for administrators)."
    issuer: String
    "The subject (sub claim) of an end user's token (null for administrators)."
    subject: String
    "The end user's own ACS identity, once issueMyToken created it (always null for administrators)."
    identity: CommunicationUser
    "Scopes this caller may ask for."
    allowedScopes: [TokenScope!]!
    "Longest token lifetime this caller may ask for, in minutes."
    maxExpiresInMinutes: Int!
  }

  enum IdentifierKind {
    COMMUNICATION_USER
    TEAMS_EXTENSION_USER
    MICROSOFT_TEAMS_USER
    MICROSOFT_TEAMS_APP
    PHONE_NUMBER
    UNKNOWN
  }

  enum CommunicationCloud {
    PUBLIC
    DOD
    GCCH
  }

  "A raw id parsed into its kind; fields that do not apply to the kind are null."
  type Identifier {
    kind: IdentifierKind!
    rawId: String!
    communicationUserId: String
    microsoftTeamsUserId: String
    teamsAppId: String
    "Teams extension user: the user's Entra object id."
    userId: String
    tenantId: String
    resourceId: String
    phoneNumber: String
    assertedId: String
    isAnonymous: Boolean
    cloud: CommunicationCloud
  }

  "A token scope and what it allows."
  type ScopeInfo {
    scope: TokenScope!
    "The service's name of the scope, e.g. chat.join."
    name: String!
    "The api-version that introduced it."
    since: String!
    description: String!
    capabilities: [String!]!
    "Whether end users of this gateway may ask for it."
    allowedForEndUsers: Boolean!
  }

  type Query {
    "The caller and, for an end user, their ACS identity if any."
    me: Caller!
    "Parses a raw id into its kind and fields."
    identifier(rawId: String!): Identifier!
    "Every token scope with its capabilities."
    scopes: [ScopeInfo!]!
    "The gateway's current time."
    serverTime: DateTime!
  }

  type Mutation {
    "Administrators: creates an identity."
    createUser: CommunicationUser!
    "Administrators: creates an identity and a token for it."
    createUserAndToken(scopes: [TokenScope!]!, expiresInMinutes: Int): UserAndToken!
    "Administrators (or an end user for their own identity): issues a token."
    issueToken(userId: ID!, scopes: [TokenScope!]!, expiresInMinutes: Int): AccessToken!
    "Administrators (or an end user for their own identity): revokes every token of an identity."
    revokeTokens(userId: ID!): Boolean!
    "Administrators: removes the identity's end-user mapping, then deletes the identity."
    deleteUser(userId: ID!): Boolean!
    "Exchanges a Teams user's Entra token for an ACS token. End users only for themselves (their oid claim)."
    exchangeTeamsToken(aadToken: String!, appId: String!, userId: String!): AccessToken!
    "End users: finds or creates the caller's own ACS identity and issues a token for it."
    issueMyToken(scopes: [TokenScope!]!, expiresInMinutes: Int): AccessToken!
    "End users: revokes every token of the caller's own identity (sign out everywhere)."
    revokeMyTokens: Boolean!
  }
`;

/** What resolvers see as GraphQL context. */
export type GatewayContext = {
  caller?: Caller;
  requestId: string;
};

/** The parts resolvers work with. */
export interface ResolverServices {
  backend: () => Promise<IdentityBackend>;
  store: MappingStore;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  userScopes: readonly TokenScope[];
  userMaxExpiresInMinutes: number;
  teamsUserClaim: string;
}

const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 instant in UTC.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date.');
    return date.toISOString();
  },
  parseValue(value) {
    const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string.');
    return date;
  },
  parseLiteral(ast) {
    const date = ast.kind === Kind.STRING ? new Date(ast.value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string.');
    return date;
  },
});

const SCOPE_ENUM = Object.fromEntries(TOKEN_SCOPES.map((scope) => [SCOPE_DETAILS[scope].enumName, scope]));

interface AccessTokenResult {
  token: string;
  expiresOn: Date;
  scopes: readonly TokenScope[];
  serverTime: Date;
}

function requireCaller(ctx: GatewayContext): Caller {
  if (ctx.caller === undefined) {
    throw new GatewayError(
      'UNAUTHENTICATED',
      'Sign in first: send "Authorization: Bearer <token or admin key>".',
    );
  }
  return ctx.caller;
}

function identifierView(kind: CommunicationIdentifierKind) {
  switch (kind.kind) {
    case 'communicationUser':
      return {
        kind: 'COMMUNICATION_USER',
        rawId: kind.communicationUserId,
        communicationUserId: kind.communicationUserId,
      };
    case 'teamsExtensionUser':
      return {
        kind: 'TEAMS_EXTENSION_USER',
        rawId: kind.rawId,
        userId: kind.userId,
        tenantId: kind.tenantId,
        resourceId: kind.resourceId,
        cloud: kind.cloud.toUpperCase(),
      };
    case 'microsoftTeamsUser':
      return {
        kind: 'MICROSOFT_TEAMS_USER',
        rawId: kind.rawId,
        microsoftTeamsUserId: kind.microsoftTeamsUserId,
        isAnonymous: kind.isAnonymous,
        cloud: kind.cloud.toUpperCase(),
      };
    case 'microsoftTeamsApp':
      return {
        kind: 'MICROSOFT_TEAMS_APP',
        rawId: kind.rawId,
        teamsAppId: kind.teamsAppId,
        cloud: kind.cloud.toUpperCase(),
      };
    case 'phoneNumber':
      return {
        kind: 'PHONE_NUMBER',
        rawId: kind.rawId,
        phoneNumber: kind.phoneNumber,
        isAnonymous: kind.isAnonymous,
        assertedId: kind.assertedId ?? null,
      };
    case 'unknown':
      return { kind: 'UNKNOWN', rawId: kind.id };
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** The resolvers, closed over the gateway's services. Every error leaves through `toGraphQLError`. */
export function createResolvers(services: ResolverServices) {
  const { store, metrics, clock, logger } = services;

  /** Wraps a resolver: authentication required, errors converted and counted in one place. */
  const guarded =
    <A, R>(field: string, work: (args: A, caller: Caller, ctx: GatewayContext) => Promise<R> | R) =>
    async (_parent: unknown, args: A, ctx: GatewayContext): Promise<R> => {
      try {
        const result = await work(args, requireCaller(ctx), ctx);
        metrics.inc('acs_gateway_graphql_operations_total', { field, code: 'OK' });
        return result;
      } catch (e) {
        const error = toGatewayError(e);
        metrics.inc('acs_gateway_graphql_operations_total', { field, code: error.code });
        const level =
          error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'UPSTREAM_UNAVAILABLE' ? 'error' : 'info';
        logger[level]('operation failed', {
          requestId: ctx.requestId,
          field,
          caller: ctx.caller?.id,
          code: error.code,
          message: error.message,
          cause: error.cause,
        });
        throw toGraphQLError(error);
      }
    };

  const scopesOf = (input: readonly string[]): TokenScope[] => parseScopes(input);

  const lifetimeOf = (minutes: number | null | undefined): number | undefined =>
    minutes === null || minutes === undefined ? undefined : validateTokenLifetime(minutes);

  /** End users get only the configured scopes and lifetimes. */
  const applyUserPolicy = (scopes: TokenScope[], minutes: number | undefined): number => {
    const refused = scopes.filter((s) => !services.userScopes.includes(s));
    if (refused.length > 0) {
      throw new GatewayError(
        'FORBIDDEN',
        `End users may not ask for ${refused.map((s) => SCOPE_DETAILS[s].enumName).join(', ')}; allowed: ${services.userScopes
          .map((s) => SCOPE_DETAILS[s].enumName)
          .join(', ')}.`,
        { field: 'scopes' },
      );
    }
    if (minutes !== undefined && minutes > services.userMaxExpiresInMinutes) {
      throw new GatewayError(
        'FORBIDDEN',
        `End users may ask for tokens of at most ${services.userMaxExpiresInMinutes} minutes, not ${minutes}.`,
        { field: 'expiresInMinutes' },
      );
    }
    return minutes ?? services.userMaxExpiresInMinutes;
  };

  const userKey = (caller: Extract<Caller, { role: 'user' }>): UserKey => ({
    issuer: caller.issuer,
    subject: caller.subject,
  });

  const ownIdentity = async (caller: Caller): Promise<string | undefined> =>
    caller.role === 'user' ? (await store.get(userKey(caller)))?.rawId : undefined;

  /** An end user may name an identity only when it is their own. */
  const authorizeFor = async (caller: Caller, userId: string, action: string): Promise<void> => {
    if (caller.role === 'admin') return;
    if ((await ownIdentity(caller)) !== userId) {
      throw new GatewayError(
        'FORBIDDEN',
        `End users may ${action} only for their own identity; use the "My" mutations.`,
        {
          field: 'userId',
        },
      );
    }
  };

  const adminOnly = (caller: Caller, field: string) => {
    if (caller.role !== 'admin') {
      throw new GatewayError(
        'FORBIDDEN',
        `${field} is for administrators (Authorization: Bearer <admin key>).`,
      );
    }
  };

  const tokenResult = (
    issued: { token: string; expiresOn: Date },
    scopes: readonly TokenScope[],
    caller: Caller,
  ) => {
    metrics.inc('acs_gateway_tokens_issued_total', { role: caller.role });
    return {
      token: issued.token,
      expiresOn: issued.expiresOn,
      scopes,
      serverTime: clock(),
    } satisfies AccessTokenResult;
  };

  const lifetimeOption = (minutes: number | undefined) =>
    minutes === undefined ? {} : { expiresInMinutes: minutes };

  return {
    DateTime,
    TokenScope: SCOPE_ENUM,
    CommunicationUser: {
      communicationUserId: (user: { rawId: string }) => user.rawId,
    },
    Caller: {
      role: (caller: Caller) => (caller.role === 'admin' ? 'ADMIN' : 'END_USER'),
      issuer: (caller: Caller) => (caller.role === 'user' ? caller.issuer : null),
      subject: (caller: Caller) => (caller.role === 'user' ? caller.subject : null),
      identity: async (caller: Caller) => {
        const rawId = await ownIdentity(caller);
        return rawId === undefined ? null : { rawId };
      },
      allowedScopes: (caller: Caller) => (caller.role === 'admin' ? TOKEN_SCOPES : services.userScopes),
      maxExpiresInMinutes: (caller: Caller) =>
        caller.role === 'admin' ? 1440 : services.userMaxExpiresInMinutes,
    },
    Query: {
      me: guarded('me', (_args: object, caller) => caller),
      identifier: guarded('identifier', ({ rawId }: { rawId: string }) =>
        identifierView(parseIdentifier(rawId)),
      ),
      scopes: guarded('scopes', () =>
        TOKEN_SCOPES.map((scope) => ({
          scope,
          name: scope,
          since: SCOPE_DETAILS[scope].since,
          description: SCOPE_DETAILS[scope].description,
          capabilities: SCOPE_DETAILS[scope].capabilities,
          allowedForEndUsers: services.userScopes.includes(scope),
        })),
      ),
      serverTime: guarded('serverTime', () => clock()),
    },
    Mutation: {
      createUser: guarded('createUser', async (_args: object, caller) => {
        adminOnly(caller, 'createUser');
        const { rawId } = await (await services.backend()).createUser();
        return { rawId };
      }),
      createUserAndToken: guarded(
        'createUserAndToken',
        async (args: { scopes: string[]; expiresInMinutes?: number | null }, caller) => {
          adminOnly(caller, 'createUserAndToken');
          const scopes = scopesOf(args.scopes);
          const minutes = lifetimeOf(args.expiresInMinutes);
          const created = await (await services.backend()).createUserAndToken(
            scopes,
            lifetimeOption(minutes),
          );
          return { user: { rawId: created.rawId }, accessToken: tokenResult(created, scopes, caller) };
        },
      ),
      issueToken: guarded(
        'issueToken',
        async (args: { userId: string; scopes: string[]; expiresInMinutes?: number | null }, caller) => {
          const userId = assertCommunicationUserId(args.userId, 'userId');
          const scopes = scopesOf(args.scopes);
          let minutes = lifetimeOf(args.expiresInMinutes);
          await authorizeFor(caller, userId, 'issue tokens');
          if (caller.role === 'user') minutes = applyUserPolicy(scopes, minutes);
          const issued = await (await services.backend()).issueToken(userId, scopes, lifetimeOption(minutes));
          return tokenResult(issued, scopes, caller);
        },
      ),
      revokeTokens: guarded('revokeTokens', async ({ userId }: { userId: string }, caller) => {
        const id = assertCommunicationUserId(userId, 'userId');
        await authorizeFor(caller, id, 'revoke tokens');
        await (await services.backend()).revokeTokens(id);
        return true;
      }),
      deleteUser: guarded('deleteUser', async ({ userId }: { userId: string }, caller) => {
        adminOnly(caller, 'deleteUser');
        const id = assertCommunicationUserId(userId, 'userId');
        // The mapping goes first: a user never keeps pointing at a deleted identity.
        await store.deleteByRawId(id);
        await (await services.backend()).deleteUser(id);
        return true;
      }),
      exchangeTeamsToken: guarded(
        'exchangeTeamsToken',
        async (args: { aadToken: string; appId: string; userId: string }, caller) => {
          for (const field of ['aadToken', 'appId', 'userId'] as const) {
            if (args[field].trim() === '')
              throw new GatewayError('BAD_USER_INPUT', `${field} must not be empty.`, { field });
          }
          if (caller.role === 'user') {
            const own = caller.claims[services.teamsUserClaim];
            if (typeof own !== 'string' || own.toLowerCase() !== args.userId.toLowerCase()) {
              throw new GatewayError(
                'FORBIDDEN',
                `End users may exchange only their own Teams token: userId must equal the "${services.teamsUserClaim}" claim of your sign-in token.`,
                { field: 'userId' },
              );
            }
          }
          const issued = await (await services.backend()).exchangeTeamsToken(args);
          let scopes: TokenScope[] = [];
          try {
            scopes = (decodeAccessToken(issued.token).scopes ?? []).filter((s): s is TokenScope =>
              (TOKEN_SCOPES as readonly string[]).includes(s),
            );
          } catch {
            scopes = [];
          }
          return tokenResult(issued, scopes, caller);
        },
      ),
      issueMyToken: guarded(
        'issueMyToken',
        async (args: { scopes: string[]; expiresInMinutes?: number | null }, caller) => {
          if (caller.role !== 'user') {
            throw new GatewayError(
              'FORBIDDEN',
              'issueMyToken is for signed-in end users; administrators use issueToken.',
            );
          }
          const scopes = scopesOf(args.scopes);
          const minutes = applyUserPolicy(scopes, lifetimeOf(args.expiresInMinutes));
          const backend = await services.backend();
          const key = userKey(caller);
          const resolveIdentity = () =>
            store.findOrCreate(
              key,
              async () => (await backend.createUser()).rawId,
              (rawId) => backend.deleteUser(rawId),
            );
          let { rawId, created } = await resolveIdentity();
          if (created) metrics.inc('acs_gateway_identities_created_total');
          let issued: { token: string; expiresOn: Date };
          try {
            issued = await backend.issueToken(rawId, scopes, { expiresInMinutes: minutes });
          } catch (e) {
            const code = toGatewayError(e).code;
            // The mapped identity is gone from the back end (deleted elsewhere): map the user to a new one, once.
            if (created || code !== 'NOT_FOUND') throw e;
            logger.warn('mapped identity no longer exists; creating a new one', { caller: caller.id });
            await store.deleteByRawId(rawId);
            ({ rawId, created } = await resolveIdentity());
            if (created) metrics.inc('acs_gateway_identities_created_total');
            issued = await backend.issueToken(rawId, scopes, { expiresInMinutes: minutes });
          }
          return tokenResult(issued, scopes, caller);
        },
      ),
      revokeMyTokens: guarded('revokeMyTokens', async (_args: object, caller) => {
        if (caller.role !== 'user') {
          throw new GatewayError(
            'FORBIDDEN',
            'revokeMyTokens is for signed-in end users; administrators use revokeTokens.',
          );
        }
        const rawId = await ownIdentity(caller);
        if (rawId !== undefined) await (await services.backend()).revokeTokens(rawId);
        return true;
      }),
    },
  };
}
