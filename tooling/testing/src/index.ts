export {
  CHROMIUM_ARGS,
  chromiumLaunchOptions,
  chromiumPath,
  missingPart,
  pythonAzure,
  testDatabaseUrl,
} from './parts.js';
export { dropSchema, uniqueSchema } from './postgres.js';
