import { accessMutations, accessQueries } from './access-resolvers.js';
import type { ResolverServices } from './context.js';
import { endUserMutations, identityMutations, identityQueries } from './identity-resolvers.js';
import { createTools } from './tools.js';
import { typeResolvers } from './views.js';

/**
 * The resolvers, closed over the gateway's services: the identities and the caller (`identity-resolvers.ts`), the
 * assignments and the Entra token exchange (`access-resolvers.ts`). Every error leaves through the guard.
 */
export function createResolvers(services: ResolverServices) {
  const tools = createTools(services);
  return {
    ...typeResolvers(tools.policy, tools.details, tools.fieldGuard),
    Query: { ...identityQueries(tools), ...accessQueries(tools) },
    Mutation: { ...identityMutations(tools), ...accessMutations(tools), ...endUserMutations(tools) },
  };
}
