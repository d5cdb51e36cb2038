import type { TokenScope } from '@acs-identity/core';
import type { Caller } from '../authenticate.js';
import type { IdentityBackend } from '../identity-backend.js';
import type { Logger } from '../logger.js';
import type { GatewayMetrics } from '../metrics.js';
import type { MappingStore } from '../store.js';

/** What resolvers see as GraphQL context: the caller (put there by `useAuth`) and the request id. */
export type GatewayContext = {
  caller?: Caller;
  requestId: string;
};

/** The parts resolvers work with. */
export interface ResolverServices {
  backend: () => Promise<IdentityBackend>;
  store: MappingStore;
  logger: Logger;
  metrics: GatewayMetrics;
  now: () => number;
  userScopes: readonly TokenScope[];
  userMaxExpiresInMinutes: number;
  teamsUserClaim: string;
}
