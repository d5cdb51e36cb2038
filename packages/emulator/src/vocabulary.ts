// The ACS vocabulary the emulator shares with @acs-identity/core (one source of truth for api-versions, scopes,
// lifetimes, identifiers and timestamps).
export {
  API_VERSIONS,
  type ApiVersion,
  apiVersionFeatures,
  formatServiceTimestamp,
  isApiVersion,
  parseIdentifier,
  TOKEN_LIFETIME,
  TOKEN_SCOPES,
  validateTokenLifetime,
} from '@acs-identity/core';
