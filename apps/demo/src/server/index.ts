export { DEMO_ERROR_CODES, DemoError, type DemoErrorCode, isDemoError, toDemoError } from '../errors.js';
export {
  createDemoServer,
  type DemoClientConfig,
  type DemoServer,
  type DemoServerOptions,
} from './server.js';
