/**
 * @acs-identity/browser-token-refresher: a zero-dependency `CommunicationTokenCredential` for browsers that keeps ACS
 * tokens fresh across tabs, sleep and network loss.
 */
export type {
  AbortSignalLike,
  AccessToken,
  GetTokenOptions,
  TokenRefresher,
  TokenRefresherEvents,
  TokenRefresherState,
} from './credential.js';
export type {
  BroadcastChannelLike,
  EventTargetLike,
  LockManagerLike,
  ResponseLike,
  TokenRefresherEnvironment,
} from './environment.js';
export {
  isTokenRefresherError,
  TokenRefresherError,
  type TokenRefresherErrorCode,
  type TokenRefresherErrorOptions,
  toTokenRefresherError,
} from './errors.js';
export type { TokenRefresherOptions } from './options.js';
export { createTokenRefresher } from './refresher.js';
export type { FetchToken, TokenResponse } from './token.js';
