import {
  type CommunicationIdentifierKind,
  ENTRA_PRINCIPAL_TYPES,
  SCOPE_DETAILS,
  TEAMS_EXTENSION_PRINCIPAL_TYPES,
  TOKEN_SCOPES,
  type TokenScope,
} from '@acs-identity/core';
import type { EntraTokenExchangeKind, UserDetails } from '@acs-identity/core/node';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { Caller } from '../authenticate.js';
import type { FieldGuard, GatewayContext, UserView } from './context.js';
import type { AuthorizationPolicy } from './policy.js';

/** How the schema shows values: the DateTime scalar, the TokenScope enum, and the shapes of its object types. */

export const DateTime = new GraphQLScalarType<Date, string>({
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

/** The TokenScope enum: `CHAT_JOIN` in GraphQL is `chat.join` inside. */
export const TokenScopeEnum = Object.fromEntries(
  TOKEN_SCOPES.map((scope) => [SCOPE_DETAILS[scope].enumName, scope]),
);

/** `teamsResourceAccount` in the API is `TEAMS_RESOURCE_ACCOUNT` in GraphQL. */
function enumName(value: string): string {
  return value.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

/** An enum of the schema over one of core's lists: GraphQL names inside, the API's spelling outside. */
function enumOver(values: readonly string[]): Record<string, string> {
  return Object.fromEntries(values.map((value) => [enumName(value), value]));
}

/** The TeamsExtensionPrincipalType enum: `RESOURCE_ACCOUNT` in GraphQL is `resourceAccount` inside. */
export const TeamsExtensionPrincipalTypeEnum = enumOver(TEAMS_EXTENSION_PRINCIPAL_TYPES);
/** The EntraPrincipalType enum: `GROUP` in GraphQL is `group` inside. */
export const EntraPrincipalTypeEnum = enumOver(ENTRA_PRINCIPAL_TYPES);
/** The EntraTokenKind enum: which exchange an end user's Entra token is for. */
export const EntraTokenKindEnum = {
  TEAMS_EXTENSION: 'teamsExtension',
  ENTRA: 'entra',
} as const satisfies Record<string, EntraTokenExchangeKind>;

/** An AccessToken as the schema shows it. */
export interface AccessTokenView {
  token: string;
  expiresOn: Date;
  scopes: readonly TokenScope[];
  serverTime: Date;
}

/** An issued token as an AccessToken, with the gateway's time. */
export function accessTokenView(
  issued: { token: string; expiresOn: Date },
  scopes: readonly TokenScope[],
  now: number,
): AccessTokenView {
  return { token: issued.token, expiresOn: issued.expiresOn, scopes, serverTime: new Date(now) };
}

/** A parsed raw id as an Identifier; fields that do not apply to its kind are left out (null). */
export function identifierView(kind: CommunicationIdentifierKind) {
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

/** Every scope as a ScopeInfo. */
export function scopeViews(policy: AuthorizationPolicy) {
  return TOKEN_SCOPES.map((scope) => ({
    scope,
    name: scope,
    since: SCOPE_DETAILS[scope].since,
    description: SCOPE_DETAILS[scope].description,
    capabilities: SCOPE_DETAILS[scope].capabilities,
    allowedForEndUsers: policy.allowsEndUsers(scope),
  }));
}

/** Reads the details of an identity that a field asks for (once per identity and request). */
export type DetailsReader = (user: UserView, ctx: GatewayContext) => Promise<UserDetails>;

/** The fields of the Caller and CommunicationUser types, and the enums. */
export function typeResolvers(policy: AuthorizationPolicy, details: DetailsReader, fieldGuard: FieldGuard) {
  return {
    DateTime,
    TokenScope: TokenScopeEnum,
    TeamsExtensionPrincipalType: TeamsExtensionPrincipalTypeEnum,
    EntraPrincipalType: EntraPrincipalTypeEnum,
    EntraTokenKind: EntraTokenKindEnum,
    CommunicationUser: {
      communicationUserId: (user: UserView) => user.rawId,
      customId: fieldGuard(
        'CommunicationUser.customId',
        async (user: UserView, ctx) => (await details(user, ctx)).customId ?? null,
      ),
      lastTokenIssuedAt: fieldGuard(
        'CommunicationUser.lastTokenIssuedAt',
        async (user: UserView, ctx) => (await details(user, ctx)).lastTokenIssuedAt ?? null,
      ),
    },
    Caller: {
      role: (caller: Caller) => (caller.role === 'admin' ? 'ADMIN' : 'END_USER'),
      issuer: (caller: Caller) => (caller.role === 'user' ? caller.issuer : null),
      subject: (caller: Caller) => (caller.role === 'user' ? caller.subject : null),
      identity: fieldGuard(
        'Caller.identity',
        async (caller: Caller) => (await policy.ownIdentity(caller)) ?? null,
      ),
      allowedScopes: (caller: Caller) => policy.allowedScopes(caller),
      maxExpiresInMinutes: (caller: Caller) => policy.maxExpiresInMinutes(caller),
    },
  };
}
