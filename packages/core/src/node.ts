/**
 * @acs-identity/core/node: connection strings, request signing helpers and the ACS Identity operations (over
 * `@azure/communication-identity`, and today's API on the Azure core pipeline). Node only.
 */
export {
  type AssignmentResult,
  type CreatedUser,
  type CreatedUserAndToken,
  type CreateUserAndTokenOptions,
  type CreateUserOptions,
  createIdentityClient,
  type EntraAssignment,
  type EntraAssignmentChange,
  type EntraTokenExchangeInput,
  type EntraTokenExchangeKind,
  type ExchangedToken,
  type IdentityClient,
  type IdentityClientOptions,
  type IdentityClientRetryOptions,
  type IdentityOperationOptions,
  type IdentityRequestLogEntry,
  type IssuedToken,
  type IssueTokenOptions,
  type TeamsExtensionAssignment,
  type TeamsTokenExchangeInput,
  type UserDetails,
} from './client.js';
export { isLoopbackHost, type ParsedConnectionString, parseConnectionString } from './connection-string.js';
export { identityClientOptionsFromEnv } from './env.js';
export { computeHmacSignature, contentSha256, type HmacStringToSignParts, hmacStringToSign } from './hmac.js';
