export type { Caller } from './authenticate.js';
export type { BackendSource } from './backend.js';
export { DEV_AUDIENCE, DEV_ISSUER } from './dev-signer.js';
export {
  GATEWAY_ERROR_CODES,
  GATEWAY_ERRORS,
  GatewayError,
  type GatewayErrorCode,
  type GatewayErrorOptions,
  type GatewayErrorRule,
  isGatewayError,
  toGatewayError,
} from './errors.js';
export { createGateway, type Gateway } from './gateway.js';
export type { IdentityBackend } from './identity-backend.js';
export type { LogEntry, LogLevel, LogSink } from './logger.js';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './main.js';
export { GATEWAY_OPTIONS, type GatewayOptions, type IdentityMappingChoice } from './options.js';
export { typeDefs } from './schema/type-defs.js';
export { type NormalizedOptions, normalizeOptions, type OidcSettings } from './settings.js';
