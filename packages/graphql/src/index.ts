export type { Caller } from './auth.js';
export { DEV_AUDIENCE, DEV_ISSUER } from './auth.js';
export type { IdentityBackend } from './backend.js';
export {
  GATEWAY_ERROR_CODES,
  GatewayError,
  type GatewayErrorCode,
  type GatewayErrorOptions,
  isGatewayError,
  toGatewayError,
} from './errors.js';
export { createGateway, type Gateway } from './gateway.js';
export type { LogEntry, LogLevel, LogSink } from './logger.js';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './main.js';
export { type GatewayOptions, normalizeOptions } from './options.js';
export { typeDefs } from './schema.js';
