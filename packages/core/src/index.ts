/**
 * @acs-identity/core, isomorphic entry: identifier kinds, scopes, lifetimes, api-versions, typed errors and token
 * reading. No Node built-ins: safe to bundle for the browser.
 */
export {
  API_VERSIONS,
  type ApiVersion,
  type ApiVersionFeatures,
  apiVersionFeatures,
  DEFAULT_API_VERSION,
  isApiVersion,
} from './api-versions.js';
export {
  AcsIdentityError,
  type AcsIdentityErrorCode,
  type AcsIdentityErrorOptions,
  ERROR_CODES,
  isAcsIdentityError,
  redactSecrets,
  toAcsIdentityError,
} from './errors.js';
export {
  assertCommunicationUserId,
  type CommunicationCloud,
  type CommunicationIdentifierKind,
  type CommunicationUserKind,
  formatIdentifier,
  isCommunicationUserId,
  isCommunicationUserKind,
  isMicrosoftTeamsAppKind,
  isMicrosoftTeamsUserKind,
  isPhoneNumberKind,
  isTeamsExtensionUserKind,
  isUnknownIdentifierKind,
  type MicrosoftTeamsAppKind,
  type MicrosoftTeamsUserKind,
  type PhoneNumberKind,
  parseIdentifier,
  type TeamsExtensionUserKind,
  type UnknownIdentifierKind,
} from './identifiers.js';
export { TOKEN_LIFETIME, validateTokenLifetime } from './lifetimes.js';
export {
  isTokenScope,
  parseScope,
  parseScopes,
  SCOPE_DETAILS,
  type ScopeDetails,
  TOKEN_SCOPES,
  type TokenScope,
} from './scopes.js';
export { type DecodedAccessToken, decodeAccessToken, formatServiceTimestamp } from './tokens.js';
