export { type ClosedConnection, heldConnection, trickle } from './connections.js';
export {
  type OidcIssuer,
  type OidcIssuerOptions,
  type SignOptions,
  startOidcIssuer,
} from './oidc-issuer.js';
export {
  CHROMIUM_ARGS,
  chromiumLaunchOptions,
  chromiumPath,
  missingPart,
  pythonAzure,
  testDatabaseUrl,
} from './parts.js';
export { dropSchema, uniqueSchema } from './postgres.js';
export { type NodeChild, type SpawnNodeScriptOptions, spawnNodeScript } from './processes.js';
export { accessKeyOf, findSecrets } from './secrets.js';
