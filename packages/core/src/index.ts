/**
 * @acs-identity/core, isomorphic entry: identifier kinds, scopes, lifetimes, api-versions, typed errors and token
 * reading. No Node built-ins: safe to bundle for the browser.
 */
export {
  API_VERSION_FEATURES,
  type ApiVersionFeature,
  type ApiVersionFeatures,
  apiVersionFeatures,
  apiVersionFor,
  apiVersionsWith,
  isApiVersion,
  isPreviewApiVersion,
} from './api-versions.js';
export {
  AcsIdentityError,
  type AcsIdentityErrorOptions,
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
export { validateTokenLifetime } from './lifetimes.js';
export {
  type OptionDefinition,
  type OptionKind,
  type OptionsMarkdownOptions,
  type OptionTable,
  optionsMarkdownTable,
  parseOptionText,
  parsers,
  resolveOptions,
} from './option-table.js';
export { isTokenScope, parseScope, parseScopes, SCOPE_DETAILS, type ScopeDetails } from './scopes.js';
export { type DecodedAccessToken, decodeAccessToken, formatServiceTimestamp } from './tokens.js';
export {
  type AcsIdentityErrorCode,
  API_VERSIONS,
  type ApiVersion,
  CUSTOM_ID_MAX_LENGTH,
  DEFAULT_API_VERSION,
  DEFAULT_DATA_DIR,
  EMULATOR_INFO_FILE,
  ENTRA_PERMISSION_SCOPES,
  ENTRA_PRINCIPAL_TYPES,
  ENV,
  type EntraPermission,
  type EntraPrincipalType,
  ERROR_CODES,
  SCOPE_SERVICE_NAMES,
  SCOPE_SINCE,
  TEAMS_EXTENSION_PRINCIPAL_TYPES,
  type TeamsExtensionPrincipalType,
  TOKEN_LIFETIME,
  TOKEN_SCOPES,
  type TokenScope,
} from './vocabulary.js';
