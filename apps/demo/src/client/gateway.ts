import { type AccessToken, graphql } from './api.js';

/** The gateway's GraphQL operations the demo uses (schema: packages/graphql). */

const ACCESS_TOKEN = 'token expiresOn scopes serverTime';

export interface CreatedUser {
  rawId: string;
  customId?: string | null;
  token?: AccessToken;
}

/** An identity as the gateway tells it: its custom id and when a token was last issued for it (null when none). */
export interface IdentityDetails {
  rawId: string;
  customId: string | null;
  lastTokenIssuedAt: string | null;
}

const IDENTITY_DETAILS = 'rawId customId lastTokenIssuedAt';

/** A parsed raw id; fields that do not apply to the kind are left out. */
export type IdentifierInfo = { kind: string; rawId: string } & Record<string, unknown>;

export async function issueMyToken(
  bearer: string,
  scopes: string[],
  expiresInMinutes: number,
): Promise<AccessToken> {
  const data = await graphql<{ issueMyToken: AccessToken }>(
    `mutation IssueMyToken($scopes: [TokenScope!]!, $expiresInMinutes: Int) {
      issueMyToken(scopes: $scopes, expiresInMinutes: $expiresInMinutes) { ${ACCESS_TOKEN} }
    }`,
    { scopes, expiresInMinutes },
    bearer,
  );
  return data.issueMyToken;
}

export async function revokeMyTokens(bearer: string): Promise<boolean> {
  const data = await graphql<{ revokeMyTokens: boolean }>(
    'mutation RevokeMyTokens { revokeMyTokens }',
    {},
    bearer,
  );
  return data.revokeMyTokens;
}

/** The signed-in user's own identity (`me`), or null while they have none. */
export async function myIdentity(bearer: string): Promise<IdentityDetails | null> {
  const data = await graphql<{ me: { identity: IdentityDetails | null } }>(
    `query MyIdentity { me { identity { ${IDENTITY_DETAILS} } } }`,
    {},
    bearer,
  );
  return data.me.identity;
}

/** An identity by id (administrators): its custom id and last issue time. */
export async function lookUpUser(adminKey: string, id: string): Promise<IdentityDetails> {
  const data = await graphql<{ user: IdentityDetails }>(
    `query User($id: ID!) { user(id: $id) { ${IDENTITY_DETAILS} } }`,
    { id },
    adminKey,
  );
  return data.user;
}

export async function createUser(adminKey: string, customId: string | undefined): Promise<CreatedUser> {
  const data = await graphql<{ createUser: { rawId: string; customId: string | null } }>(
    'mutation CreateUser($customId: String) { createUser(customId: $customId) { rawId customId } }',
    { customId },
    adminKey,
  );
  return data.createUser;
}

export async function createUserAndToken(
  adminKey: string,
  scopes: string[],
  expiresInMinutes: number | undefined,
  customId: string | undefined,
): Promise<CreatedUser> {
  const data = await graphql<{
    createUserAndToken: { user: { rawId: string; customId: string | null }; accessToken: AccessToken };
  }>(
    `mutation CreateUserAndToken($scopes: [TokenScope!]!, $expiresInMinutes: Int, $customId: String) {
      createUserAndToken(scopes: $scopes, expiresInMinutes: $expiresInMinutes, customId: $customId) {
        user { rawId customId }
        accessToken { ${ACCESS_TOKEN} }
      }
    }`,
    { scopes, expiresInMinutes, customId },
    adminKey,
  );
  const { user, accessToken } = data.createUserAndToken;
  return { ...user, token: accessToken };
}

export async function issueToken(
  adminKey: string,
  userId: string,
  scopes: string[],
  expiresInMinutes: number | undefined,
): Promise<AccessToken> {
  const data = await graphql<{ issueToken: AccessToken }>(
    `mutation IssueToken($userId: ID!, $scopes: [TokenScope!]!, $expiresInMinutes: Int) {
      issueToken(userId: $userId, scopes: $scopes, expiresInMinutes: $expiresInMinutes) { ${ACCESS_TOKEN} }
    }`,
    { userId, scopes, expiresInMinutes },
    adminKey,
  );
  return data.issueToken;
}

export async function revokeTokens(adminKey: string, userId: string): Promise<boolean> {
  const data = await graphql<{ revokeTokens: boolean }>(
    'mutation RevokeTokens($userId: ID!) { revokeTokens(userId: $userId) }',
    { userId },
    adminKey,
  );
  return data.revokeTokens;
}

export async function deleteUser(adminKey: string, userId: string): Promise<boolean> {
  const data = await graphql<{ deleteUser: boolean }>(
    'mutation DeleteUser($userId: ID!) { deleteUser(userId: $userId) }',
    { userId },
    adminKey,
  );
  return data.deleteUser;
}

export async function parseIdentifier(bearer: string, rawId: string): Promise<IdentifierInfo> {
  const data = await graphql<{ identifier: IdentifierInfo }>(
    `query Identifier($rawId: String!) {
      identifier(rawId: $rawId) {
        kind rawId communicationUserId microsoftTeamsUserId teamsAppId userId tenantId resourceId
        phoneNumber assertedId isAnonymous cloud
      }
    }`,
    { rawId },
    bearer,
  );
  // Fields that do not apply to the kind come back null: show only the ones that do.
  return Object.fromEntries(Object.entries(data.identifier).filter(([, v]) => v !== null)) as IdentifierInfo;
}

export async function exchangeTeamsToken(
  bearer: string,
  input: { aadToken: string; appId: string; userId: string },
): Promise<AccessToken> {
  const data = await graphql<{ exchangeTeamsToken: AccessToken }>(
    `mutation ExchangeTeamsToken($aadToken: String!, $appId: String!, $userId: String!) {
      exchangeTeamsToken(aadToken: $aadToken, appId: $appId, userId: $userId) { ${ACCESS_TOKEN} }
    }`,
    input,
    bearer,
  );
  return data.exchangeTeamsToken;
}
