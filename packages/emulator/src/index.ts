export type { EmulatorInfo } from './discovery.js';
export { readEmulatorInfo } from './discovery.js';
export type { Emulator, RotateAccessKeyOptions, RotatedAccessKey, RunningEmulator } from './emulator.js';
export { createEmulator, rotateAccessKey, startEmulator } from './emulator.js';
export type { EmulatorErrorCode, ServiceErrorReply } from './errors.js';
export { EMULATOR_ERROR_CODES, EmulatorError, isEmulatorError, toEmulatorError } from './errors.js';
export type { AccessKeyName } from './hmac.js';
export type {
  EmulatorLogEntry,
  EmulatorLogger,
  EmulatorOptions,
  RateLimitedOperation,
  RateLimitOptions,
} from './options.js';
export { EMULATOR_ROUTES } from './service.js';
export type { TokenVerdict, TokenVerdictReason } from './tokens.js';
