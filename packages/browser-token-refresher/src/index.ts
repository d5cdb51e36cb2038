/**
 * @acs-identity/browser-token-refresher: a zero-dependency `CommunicationTokenCredential` for browsers that keeps ACS
 * tokens fresh across tabs, sleep and network loss.
 */
export {
  isTokenRefresherError,
  TokenRefresherError,
  type TokenRefresherErrorCode,
  type TokenRefresherErrorOptions,
  toTokenRefresherError,
} from './errors.js';
export type {
  BroadcastChannelLike,
  EventTargetLike,
  FetchToken,
  LockManagerLike,
  ResponseLike,
  TokenRefresherEnvironment,
  TokenRefresherOptions,
  TokenResponse,
} from './options.js';
export {
  type AbortSignalLike,
  type AccessToken,
  createTokenRefresher,
  type GetTokenOptions,
  type TokenRefresher,
  type TokenRefresherEvents,
  type TokenRefresherState,
} from './refresher.js';
