export type { EmulatorClusterLogEntry, EmulatorClusterOptions, RunningEmulatorCluster } from './cluster.js';
export { startEmulatorCluster } from './cluster.js';
export type { EmulatorInfo } from './discovery.js';
export { readEmulatorInfo } from './discovery.js';
export type { Emulator, RotateAccessKeyOptions, RotatedAccessKey, RunningEmulator } from './emulator.js';
export { createEmulator, rotateAccessKey, startEmulator } from './emulator.js';
export type { EntraTokenRequest, MintedEntraToken, TrustedIssuer } from './entra.js';
export {
  DATA_PLANE_AUDIENCE,
  TEAMS_EXCHANGE_AUDIENCE,
  TEAMS_EXCHANGE_SCOPES,
} from './entra.js';
export type { EmulatorErrorCode, ServiceErrorReply } from './errors.js';
export { EMULATOR_ERROR_CODES, EmulatorError, isEmulatorError, toEmulatorError } from './errors.js';
export type { AccessKeyName } from './hmac.js';
export { MANAGED_IDENTITY_API_VERSION, userAssignedIdentity } from './managed-identity.js';
export type {
  EmulatorLogEntry,
  EmulatorLogger,
  EmulatorOptions,
  RateLimitedOperation,
  RateLimitOptions,
} from './options.js';
export type { MintEntraTokenOptions } from './roles.js';
export { assignRole, DEFAULT_ROLE, listRoles, mintEntraToken, removeRole } from './roles.js';
export { EMULATOR_ROUTES } from './service.js';
export type { EmulatorStateOptions } from './state.js';
export type { RoleGrantRecord } from './store.js';
export type { TokenVerdict, TokenVerdictReason } from './tokens.js';
