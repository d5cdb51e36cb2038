import type { TokenScope } from '@acs-identity/core';
import type { UserDetails } from '@acs-identity/core/node';
import type { Caller } from '../authenticate.js';
import type { OpenedBackend } from '../backend.js';
import type { IdentityBackend } from '../identity-backend.js';
import type { Logger } from '../logger.js';
import type { GatewayMetrics } from '../metrics.js';
import type { IdentityMapping } from '../settings.js';
import type { MappingStore } from '../store.js';

/**
 * What resolvers see as GraphQL context: the caller (put there by `useAuth`), the request id, and the identity details
 * read for this request (each identity read once however many fields ask).
 */
export type GatewayContext = {
  caller?: Caller;
  requestId: string;
  userDetails?: Map<string, Promise<UserDetails>>;
};

/**
 * A CommunicationUser as the schema shows it: the raw id, and its details when the answer that named it had them (a
 * create with a custom id, `user`); otherwise they are read when asked for.
 */
export interface UserView {
  rawId: string;
  details?: UserDetails;
}

/** Wraps a field of an object type that calls the back end (see `createFieldGuard`). */
export type FieldGuard = <P, R>(
  field: string,
  work: (parent: P, ctx: GatewayContext) => Promise<R> | R,
) => (parent: P, args: unknown, ctx: GatewayContext) => Promise<R>;

/** The parts resolvers work with. */
export interface ResolverServices {
  backend: () => Promise<IdentityBackend>;
  /** The back end with its fast paths. */
  openedBackend: () => Promise<OpenedBackend>;
  store: MappingStore;
  /** How end users are mapped to their identities. */
  identityMapping: IdentityMapping;
  logger: Logger;
  metrics: GatewayMetrics;
  now: () => number;
  userScopes: readonly TokenScope[];
  userMaxExpiresInMinutes: number;
  teamsUserClaim: string;
}
