import { type AccessToken, graphql } from './api.js';

/** The gateway's GraphQL operations the demo uses (schema: packages/graphql). */

const ACCESS_TOKEN = 'token expiresOn scopes serverTime';

export interface CreatedUser {
  rawId: string;
  token?: AccessToken;
}

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

export async function createUser(adminKey: string): Promise<CreatedUser> {
  const data = await graphql<{ createUser: { rawId: string } }>(
    'mutation CreateUser { createUser { rawId } }',
    {},
    adminKey,
  );
  return { rawId: data.createUser.rawId };
}

export async function createUserAndToken(
  adminKey: string,
  scopes: string[],
  expiresInMinutes: number | undefined,
): Promise<CreatedUser> {
  const data = await graphql<{ createUserAndToken: { user: { rawId: string }; accessToken: AccessToken } }>(
    `mutation CreateUserAndToken($scopes: [TokenScope!]!, $expiresInMinutes: Int) {
      createUserAndToken(scopes: $scopes, expiresInMinutes: $expiresInMinutes) {
        user { rawId }
        accessToken { ${ACCESS_TOKEN} }
      }
    }`,
    { scopes, expiresInMinutes },
    adminKey,
  );
  return { rawId: data.createUserAndToken.user.rawId, token: data.createUserAndToken.accessToken };
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
