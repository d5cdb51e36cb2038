export type { EmulatorClusterLogEntry, EmulatorClusterOptions, RunningEmulatorCluster } from './cluster.js';
export { startEmulatorCluster } from './cluster.js';
export type { EmulatorInfo } from './discovery.js';
export { readEmulatorInfo } from './discovery.js';
export type { Emulator, RotateAccessKeyOptions, RotatedAccessKey, RunningEmulator } from './emulator.js';
export { createEmulator, rotateAccessKey, startEmulator } from './emulator.js';
export type { EntraTokenRequest, MintedEntraToken } from './entra.js';
export {
  DATA_PLANE_AUDIENCE,
  TEAMS_EXCHANGE_AUDIENCE,
  TEAMS_EXCHANGE_SCOPES,
} from './entra.js';
export type {
  EntraAppRegistration,
  EntraUserRegistration,
  RegisteredEntraApp,
  RegisteredEntraUser,
} from './entra-directory.js';
export { registerEntraApp, registerEntraUser } from './entra-directory.js';
export {
  ENTRA_CLIENTS_APP_ID,
  ENTRA_CLIENTS_AUDIENCE,
  TEAMS_EXTENSION_AUDIENCE,
  TEAMS_EXTENSION_SCOPE,
} from './entra-user-tokens.js';
export type { DataDirOwner, EmulatorErrorCode, ServiceErrorReply } from './errors.js';
export { EMULATOR_ERROR_CODES, EmulatorError, isEmulatorError, toEmulatorError } from './errors.js';
export { MANAGED_IDENTITY_API_VERSION, userAssignedIdentity } from './handlers/managed-identity.js';
export type { AccessKeyName } from './hmac.js';
export type { LaunchedEmulator } from './launch.js';
export { launchEmulator } from './launch.js';
export type { OAuthErrorCode } from './oauth-errors.js';
export { OAUTH_ERROR_STATUS } from './oauth-errors.js';
export type { EmulatorLogEntry, EmulatorLogger, EmulatorOptions, EmulatorStartOptions } from './options.js';
export { EMULATOR_OPTIONS } from './options.js';
export type { RateLimitedOperation, RateLimitOptions } from './rate-limit.js';
export type { MintEntraTokenOptions } from './roles.js';
export { assignRole, DEFAULT_ROLE, listRoles, mintEntraToken, removeRole } from './roles.js';
export { EMULATOR_ROUTES } from './routes.js';
export type { ServiceErrorCode } from './service-errors.js';
export { SERVICE_ERROR_STATUS } from './service-errors.js';
export type { EmulatorStateOptions } from './state.js';
export type { RoleGrantRecord } from './store.js';
export type { TokenVerdict, TokenVerdictReason } from './tokens.js';
export type { TrustedIssuer } from './trusted-issuers.js';
