import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { derivedGuid, isGuid } from './entra.js';
import { rejectRequest } from './errors.js';
import type { ServiceContext } from './service.js';

/** The api-version of the App Service managed-identity protocol that `@azure/identity` (MSAL) sends. */
export const MANAGED_IDENTITY_API_VERSION = '2019-08-01';
/** Lifetime of a managed-identity token, as Azure's (24 hours). */
export const MANAGED_IDENTITY_TOKEN_SECONDS = 24 * 3600;

/** The principal (object) id and client id of a managed identity the emulator hands out tokens for. */
export interface ManagedIdentityIds {
  principalId: string;
  clientId: string;
}

/** The ids of a user-assigned identity named by its client id (the principal id is derived, stable). */
export function userAssignedIdentity(clientId: string): ManagedIdentityIds {
  return {
    clientId: clientId.toLowerCase(),
    principalId: derivedGuid(`user-assigned:${clientId.toLowerCase()}`),
  };
}

/**
 * `GET /managed-identity/token?api-version=2019-08-01&resource=<uri>[&client_id=<guid>|&object_id=<guid>]` with the
 * `X-IDENTITY-HEADER` secret: the App Service managed-identity protocol (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`).
 * Answers `{access_token, expires_on, resource, token_type, client_id}` signed by the local Entra issuer.
 */
export function managedIdentityToken(
  ctx: ServiceContext,
  req: IncomingMessage,
  endpoint: string,
): Record<string, string> {
  const header = req.headers['x-identity-header'];
  const expected = Buffer.from(ctx.entra.identityHeader);
  const given = Buffer.from(typeof header === 'string' ? header : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw rejectRequest(
      401,
      'Unauthorized',
      'The X-IDENTITY-HEADER header is missing or wrong; set IDENTITY_HEADER to the identityHeader of emulator.json.',
    );
  }
  const raw = req.url ?? '';
  const q = new URLSearchParams(raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '');
  const version = q.get('api-version');
  if (version !== MANAGED_IDENTITY_API_VERSION) {
    throw rejectRequest(
      400,
      'BadRequest',
      `The managed-identity endpoint speaks api-version ${MANAGED_IDENTITY_API_VERSION}; got ${version === null ? 'none' : version.slice(0, 40)}.`,
    );
  }
  const resource = q.get('resource');
  if (!resource || resource.length > 512) {
    throw rejectRequest(
      400,
      'BadRequest',
      'The resource query parameter is required, e.g. https://communication.azure.com.',
    );
  }
  const clientId = q.get('client_id');
  const objectId = q.get('object_id');
  if (q.get('mi_res_id') !== null || q.get('principal_id') !== null) {
    throw rejectRequest(
      400,
      'BadRequest',
      'Name a user-assigned identity by client_id (or object_id); mi_res_id is not emulated.',
    );
  }
  let ids: ManagedIdentityIds;
  if (clientId !== null) {
    if (!isGuid(clientId)) throw rejectRequest(400, 'BadRequest', 'client_id must be a GUID.');
    ids = userAssignedIdentity(clientId);
  } else if (objectId !== null) {
    if (!isGuid(objectId)) throw rejectRequest(400, 'BadRequest', 'object_id must be a GUID.');
    ids = {
      principalId: objectId.toLowerCase(),
      clientId: derivedGuid(`user-assigned-client:${objectId.toLowerCase()}`),
    };
  } else {
    ids = ctx.entra.systemIdentity;
  }
  const minted = ctx.entra.mint(
    {
      principal: ids.principalId,
      appId: ids.clientId,
      audience: resource,
      expiresInSeconds: MANAGED_IDENTITY_TOKEN_SECONDS,
    },
    endpoint,
    ctx.options.clock(),
  );
  return {
    access_token: minted.token,
    expires_on: String(Math.floor(minted.expiresOn.getTime() / 1000)),
    resource,
    token_type: 'Bearer',
    client_id: ids.clientId,
  };
}
