import type { TokenScope } from '@acs-identity/core';
import type { EndUser } from '../authenticate.js';
import type { OpenedBackend } from '../backend.js';
import { customIdOf } from '../custom-id.js';
import { toGatewayError } from '../errors.js';
import type { IdentityBackend } from '../identity-backend.js';
import type { Logger } from '../logger.js';
import type { GatewayMetrics } from '../metrics.js';
import type { IdentityMapping as MappingKind } from '../settings.js';
import type { MappingStore, UserKey } from '../store.js';
import type { UserView } from './context.js';

/** How the end users' own identities are found, issued for and recognised. */
export interface IdentityMapping {
  readonly kind: MappingKind;
  /** A token for the end user's own identity, made on first use (exactly one, however many first calls race). */
  issue(
    user: EndUser,
    scopes: readonly TokenScope[],
    minutes: number,
  ): Promise<{ token: string; expiresOn: Date }>;
  /** The end user's own identity, if there is one. */
  own(user: EndUser): Promise<UserView | undefined>;
  /** Whether `rawId` is the end user's own identity. */
  owns(user: EndUser, rawId: string): Promise<boolean>;
}

/** The key of an end user: their OpenID issuer and subject. */
export function userKeyOf(user: EndUser): UserKey {
  return { issuer: user.issuer, subject: user.subject };
}

interface StoreMappingParts {
  store: MappingStore;
  backend: () => Promise<IdentityBackend>;
  metrics: GatewayMetrics;
  logger: Logger;
}

/**
 * Through the mapping store (for back ends without custom ids): the store keeps each end user's identity. When the
 * mapped identity was deleted behind the gateway's back, the user is mapped to a new one, once.
 */
export function storeMapping(parts: StoreMappingParts): IdentityMapping {
  const { store, metrics, logger } = parts;
  const resolveIdentity = async (backend: IdentityBackend, key: UserKey) => {
    const found = await store.findOrCreate(
      key,
      async () => (await backend.createUser()).rawId,
      (rawId) => backend.deleteUser(rawId),
    );
    if (found.created) metrics.identitiesCreated.inc();
    return found;
  };
  return {
    kind: 'store',
    async issue(user, scopes, minutes) {
      const backend = await parts.backend();
      const key = userKeyOf(user);
      const first = await resolveIdentity(backend, key);
      try {
        return await backend.issueToken(first.rawId, scopes, { expiresInMinutes: minutes });
      } catch (e) {
        if (first.created || toGatewayError(e).code !== 'NOT_FOUND') throw e;
        logger.warn('mapped identity no longer exists; creating a new one', { caller: user.id });
        await store.deleteByRawId(first.rawId);
        const second = await resolveIdentity(backend, key);
        return backend.issueToken(second.rawId, scopes, { expiresInMinutes: minutes });
      }
    },
    async own(user) {
      const mapping = await store.get(userKeyOf(user));
      return mapping === undefined ? undefined : { rawId: mapping.rawId };
    },
    async owns(user, rawId) {
      return (await store.get(userKeyOf(user)))?.rawId === rawId;
    },
  };
}

interface CustomIdMappingParts {
  backend: () => Promise<OpenedBackend>;
}

/**
 * Through custom ids (back ends whose api-version has them): each end user's identity is the one of the custom id
 * derived from their issuer and subject (`customIdOf`), which the service keeps, so every gateway instance finds the
 * same identity with no database of its own. The service has no look-up by custom id: finding an end user's identity
 * is a create with their custom id, which makes it when it does not exist yet (one per custom id, however many race).
 */
export function customIdMapping(parts: CustomIdMappingParts): IdentityMapping {
  return {
    kind: 'customId',
    async issue(user, scopes, minutes) {
      const opened = await parts.backend();
      const customId = customIdOf(userKeyOf(user));
      const options = { expiresInMinutes: minutes };
      if (opened.issueForCustomId !== undefined) return opened.issueForCustomId(customId, scopes, options);
      return opened.backend.createUserAndToken(scopes, { ...options, customId });
    },
    async own(user) {
      const created = await (await parts.backend()).backend.createUser({
        customId: customIdOf(userKeyOf(user)),
      });
      // A create with a custom id answers the identity whole (custom id, last issue time): nothing left to read.
      return { rawId: created.rawId, details: created };
    },
    async owns(user, rawId) {
      const backend = (await parts.backend()).backend;
      try {
        return (await backend.getUser(rawId)).customId === customIdOf(userKeyOf(user));
      } catch (e) {
        const code = toGatewayError(e).code;
        // Not an identity of this resource, or not one at all: not theirs.
        if (code === 'NOT_FOUND' || code === 'BAD_USER_INPUT') return false;
        throw e;
      }
    },
  };
}
