/**
 * @acs-identity/core/node: connection strings, request signing helpers and the ACS Identity operations over
 * `@azure/communication-identity`. Node only.
 */
export {
  type CreatedUser,
  type CreatedUserAndToken,
  createIdentityClient,
  type IdentityClient,
  type IdentityClientOptions,
  type IdentityClientRetryOptions,
  type IdentityOperationOptions,
  type IdentityRequestLogEntry,
  type IssuedToken,
  type IssueTokenOptions,
  type TeamsTokenExchangeInput,
} from './client.js';
export { isLoopbackHost, type ParsedConnectionString, parseConnectionString } from './connection-string.js';
export { identityClientOptionsFromEnv } from './env.js';
export { computeHmacSignature, contentSha256, type HmacStringToSignParts, hmacStringToSign } from './hmac.js';
