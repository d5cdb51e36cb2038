import type { TokenScope } from '@acs-identity/core';
import type { EndUser } from '../authenticate.js';
import { toGatewayError } from '../errors.js';
import type { IdentityBackend } from '../identity-backend.js';
import type { ResolverServices } from './context.js';
import type { AuthorizationPolicy } from './policy.js';

/**
 * `issueMyToken`: finds or creates the end user's own identity (exactly one, however many first calls race) and issues
 * a token for it. When the mapped identity was deleted behind the gateway's back, the user is mapped to a new one, once.
 */
export async function issueMyToken(
  services: ResolverServices,
  policy: AuthorizationPolicy,
  caller: EndUser,
  scopes: readonly TokenScope[],
  minutes: number,
): Promise<{ token: string; expiresOn: Date }> {
  const { store, metrics, logger } = services;
  const backend: IdentityBackend = await services.backend();
  const key = policy.userKey(caller);
  const resolveIdentity = async () => {
    const found = await store.findOrCreate(
      key,
      async () => (await backend.createUser()).rawId,
      (rawId) => backend.deleteUser(rawId),
    );
    if (found.created) metrics.identitiesCreated.inc();
    return found;
  };
  const first = await resolveIdentity();
  try {
    return await backend.issueToken(first.rawId, scopes, { expiresInMinutes: minutes });
  } catch (e) {
    if (first.created || toGatewayError(e).code !== 'NOT_FOUND') throw e;
    logger.warn('mapped identity no longer exists; creating a new one', { caller: caller.id });
    await store.deleteByRawId(first.rawId);
    const second = await resolveIdentity();
    return backend.issueToken(second.rawId, scopes, { expiresInMinutes: minutes });
  }
}
