export { DEMO_ERROR_CODES, DemoError, type DemoErrorCode, isDemoError, toDemoError } from '../errors.js';
export type { DemoServerOptions } from './options.js';
export { createDemoServer, type DemoClientConfig, type DemoServer } from './server.js';
