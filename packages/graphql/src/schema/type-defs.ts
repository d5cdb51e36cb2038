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
