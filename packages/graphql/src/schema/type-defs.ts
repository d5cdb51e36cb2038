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
    """
    The custom id it was created with (null when none). Read from the service (api-version 2025-03-02-preview) when
    the answer that named the identity did not say.
    """
    customId: String
    """
    When a token was last issued for it: an issue, a create with a token, an Entra token exchange (null before the
    first). Read from the service (api-version 2025-03-02-preview) when the answer that named the identity did not say.
    """
    lastTokenIssuedAt: DateTime
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
    """
    The end user's own ACS identity (always null for administrators). Mapped through the store: null until
    issueMyToken made it. Mapped through custom ids: found, or made, through the user's custom id.
    """
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

  "Which exchange an end user's Entra token is for."
  enum EntraTokenKind {
    "Teams Phone extensibility: a Teams Extension token (TeamsExtension.ManageCalls); api-version 2025-06-30."
    TEAMS_EXTENSION
    "An Entra ID user of the Communication Services clients application (VoIP, ...); api-version 2025-03-02-preview."
    ENTRA
  }

  "An exchanged end-user Entra token: the ACS identity it is for and its ACS token."
  type ExchangedToken {
    "A Teams extension user (8:acs:<resource>_<tenant>_<user>) or an Entra user (8:acs:<resource>_wf_<tenant>_<user>)."
    identity: Identifier!
    "The ACS token; it expires with the Entra token."
    accessToken: AccessToken!
  }

  enum TeamsExtensionPrincipalType {
    "The server's consent: the Teams resource account whose calls it handles."
    RESOURCE_ACCOUNT
    "A user, who may exchange through the applications of clientIds."
    USER
    "The spelling of the documentation for a resource account."
    TEAMS_RESOURCE_ACCOUNT
  }

  "Who may use Teams Phone extensibility (Teams Extension) on this resource."
  type TeamsExtensionAssignment {
    tenantId: ID!
    "The Entra object id of the user or resource account."
    objectId: ID!
    principalType: TeamsExtensionPrincipalType!
    "The applications (client ids) through which a user may exchange."
    clientIds: [ID!]
  }

  input TeamsExtensionAssignmentInput {
    tenantId: ID!
    objectId: ID!
    principalType: TeamsExtensionPrincipalType!
    clientIds: [ID!]
  }

  type TeamsExtensionAssignmentResult {
    assignment: TeamsExtensionAssignment!
    "True when it did not exist (the service answered 201), false when it was replaced (200)."
    created: Boolean!
  }

  enum EntraPrincipalType {
    USER
    "Every member of an Entra group (the token's groups claim)."
    GROUP
    "Every user of a tenant."
    TENANT
  }

  "Who may exchange Entra ID user tokens on this resource (api-version 2025-03-02-preview)."
  type EntraAssignment {
    "The Entra object id of the user, group or tenant."
    objectId: ID!
    tenantId: ID!
    principalType: EntraPrincipalType!
    "The applications (client ids) through which its users may exchange."
    clientIds: [ID!]!
  }

  input EntraAssignmentInput {
    objectId: ID!
    tenantId: ID!
    principalType: EntraPrincipalType!
    clientIds: [ID!]!
  }

  type EntraAssignmentResult {
    assignment: EntraAssignment!
    "True when it did not exist (the service answered 201), false when it was replaced (200)."
    created: Boolean!
  }

  """
  One entry of updateEntraAssignments (a JSON merge patch of the assignments): remove it, or set the fields given
  (all three for an assignment that does not exist yet).
  """
  input EntraAssignmentChange {
    objectId: ID!
    "Removes the assignment (give no other field)."
    remove: Boolean
    tenantId: ID
    principalType: EntraPrincipalType
    clientIds: [ID!]
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
    "Administrators: an identity with its custom id and when a token was last issued for it (NOT_FOUND when none)."
    user(id: ID!): CommunicationUser!
    "Administrators: the Teams Extension assignment of a user or resource account, or null."
    teamsExtensionAssignment(tenantId: ID!, objectId: ID!): TeamsExtensionAssignment
    "Administrators: every Entra ID user assignment of the resource."
    entraAssignments: [EntraAssignment!]!
    "Administrators: the Entra ID user assignment of a user, group or tenant, or null."
    entraAssignment(objectId: ID!): EntraAssignment
  }

  type Mutation {
    "Administrators: creates an identity; with a customId, the identity of that custom id (made once)."
    createUser(customId: String): CommunicationUser!
    "Administrators: creates an identity and a token for it; with a customId, for the identity of that custom id."
    createUserAndToken(scopes: [TokenScope!]!, expiresInMinutes: Int, customId: String): UserAndToken!
    "Administrators (or an end user for their own identity): issues a token."
    issueToken(userId: ID!, scopes: [TokenScope!]!, expiresInMinutes: Int): AccessToken!
    "Administrators (or an end user for their own identity): revokes every token of an identity."
    revokeTokens(userId: ID!): Boolean!
    "Administrators: removes the identity's end-user mapping, then deletes the identity."
    deleteUser(userId: ID!): Boolean!
    "Exchanges a Teams user's Entra token for an ACS token. End users only for themselves (their oid claim)."
    exchangeTeamsToken(aadToken: String!, appId: String!, userId: String!): AccessToken!
    """
    Exchanges an end user's Entra token (Teams Extension or Entra ID user; kind defaults to what its audience says) for
    an ACS token of that user. End users only their own token (its oid and tid are theirs).
    """
    exchangeEntraToken(entraToken: String!, kind: EntraTokenKind): ExchangedToken!
    "Administrators: creates or replaces a Teams Extension assignment."
    setTeamsExtensionAssignment(assignment: TeamsExtensionAssignmentInput!): TeamsExtensionAssignmentResult!
    "Administrators: removes a Teams Extension assignment (true also when there was none)."
    deleteTeamsExtensionAssignment(tenantId: ID!, objectId: ID!): Boolean!
    "Administrators: creates or replaces an Entra ID user assignment."
    setEntraAssignment(assignment: EntraAssignmentInput!): EntraAssignmentResult!
    "Administrators: changes several Entra ID user assignments at once; answers those created or changed."
    updateEntraAssignments(changes: [EntraAssignmentChange!]!): [EntraAssignment!]!
    "Administrators: removes an Entra ID user assignment (true also when there was none)."
    deleteEntraAssignment(objectId: ID!): Boolean!
    "End users: finds or creates the caller's own ACS identity and issues a token for it."
    issueMyToken(scopes: [TokenScope!]!, expiresInMinutes: Int): AccessToken!
    "End users: revokes every token of the caller's own identity (sign out everywhere)."
    revokeMyTokens: Boolean!
  }
`;
