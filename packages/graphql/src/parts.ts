import type { AuthFailureBudget } from './auth-failures.js';
import type { Authenticator } from './authenticate.js';
import type { BackendHandle } from './backend.js';
import type { DevSigner } from './dev-signer.js';
import type { Logger } from './logger.js';
import type { GatewayMetrics } from './metrics.js';
import type { RateLimiter } from './rate-limit.js';
import type { NormalizedOptions } from './settings.js';
import type { MappingStore } from './store.js';

/** The parts the plugins and resolvers are built from. */
export interface GatewayParts {
  settings: NormalizedOptions;
  logger: Logger;
  metrics: GatewayMetrics;
  store: MappingStore;
  backend: BackendHandle;
  authenticator: Authenticator;
  /** Each caller's operations (one unit per root field). */
  operationLimits: RateLimiter;
  /** Failed authentications per client address and per credential. */
  authFailures: AuthFailureBudget;
  devSigner: DevSigner | undefined;
  draining: () => boolean;
}
