import type { TokenScope } from '@acs-identity/core';
import type { UserDetails } from '@acs-identity/core/node';
import type { Caller } from '../authenticate.js';
import type { IdentityBackend } from '../identity-backend.js';
import type { GatewayContext, ResolverServices, UserView } from './context.js';
import { createFieldGuard, createGuard } from './guard.js';
import { customIdMapping, type IdentityMapping, storeMapping } from './identity-mapping.js';
import { AuthorizationPolicy } from './policy.js';
import { type AccessTokenView, accessTokenView } from './views.js';

/** What every resolver module works with: the services, the policy, the guards, the mapping. */
export interface ResolverTools {
  services: ResolverServices;
  policy: AuthorizationPolicy;
  mapping: IdentityMapping;
  guarded: ReturnType<typeof createGuard>;
  fieldGuard: ReturnType<typeof createFieldGuard>;
  backend: () => Promise<IdentityBackend>;
  /** An issued token as the schema shows it, counted in `acs_gateway_tokens_issued_total`. */
  issued(
    token: { token: string; expiresOn: Date },
    scopes: readonly TokenScope[],
    caller: Caller,
  ): AccessTokenView;
  /** The details of an identity: those the view carries, else read once per request. */
  details(user: UserView, ctx: GatewayContext): Promise<UserDetails>;
}

/** Builds the tools over the gateway's services. */
export function createTools(services: ResolverServices): ResolverTools {
  const mapping =
    services.identityMapping === 'customId'
      ? customIdMapping({ backend: services.openedBackend })
      : storeMapping({
          store: services.store,
          backend: services.backend,
          metrics: services.metrics,
          logger: services.logger,
        });
  const policy = new AuthorizationPolicy({ ...services, mapping });
  return {
    services,
    policy,
    mapping,
    guarded: createGuard(services, policy),
    fieldGuard: createFieldGuard(services),
    backend: services.backend,
    issued(token, scopes, caller) {
      services.metrics.tokensIssued.inc({ role: caller.role });
      return accessTokenView(token, scopes, services.now());
    },
    details(user, ctx) {
      if (user.details !== undefined) return Promise.resolve(user.details);
      ctx.userDetails ??= new Map();
      const read = ctx.userDetails;
      let pending = read.get(user.rawId);
      if (pending === undefined) {
        pending = services.backend().then((backend) => backend.getUser(user.rawId));
        read.set(user.rawId, pending);
      }
      return pending;
    },
  };
}
