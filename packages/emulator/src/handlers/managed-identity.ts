/**
 * `GET /managed-identity/token?api-version=2019-08-01&resource=<uri>[&client_id=<guid>|&object_id=<guid>]`: the App
 * Service managed-identity protocol (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, checked by the pipeline). Answers
 * `{access_token, expires_on, resource, token_type, client_id}` signed by the local Entra issuer.
 */
import type { Handler } from '../context.js';
import { derivedGuid, isGuid } from '../entra.js';
import { serviceErrors } from '../service-errors.js';

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

/** The identity a request asks for: the system-assigned one, or a user-assigned one by client or object id. */
function identityOf(q: URLSearchParams, system: ManagedIdentityIds): ManagedIdentityIds {
  if (q.get('mi_res_id') !== null || q.get('principal_id') !== null) {
    throw serviceErrors.managedIdentityByResourceId();
  }
  const clientId = q.get('client_id');
  if (clientId !== null) {
    if (!isGuid(clientId)) throw serviceErrors.managedIdentityNotGuid('client_id');
    return userAssignedIdentity(clientId);
  }
  const objectId = q.get('object_id');
  if (objectId !== null) {
    if (!isGuid(objectId)) throw serviceErrors.managedIdentityNotGuid('object_id');
    return {
      principalId: objectId.toLowerCase(),
      clientId: derivedGuid(`user-assigned-client:${objectId.toLowerCase()}`),
    };
  }
  return system;
}

export const managedIdentityToken: Handler = (ctx, request) => {
  const q = new URLSearchParams(request.search);
  const resource = q.get('resource');
  if (!resource || resource.length > 512) throw serviceErrors.managedIdentityResourceRequired();
  const ids = identityOf(q, ctx.entra.systemIdentity);
  const minted = ctx.entra.mint(
    {
      principal: ids.principalId,
      appId: ids.clientId,
      audience: resource,
      expiresInSeconds: MANAGED_IDENTITY_TOKEN_SECONDS,
    },
    ctx.publicEndpoint.url,
    ctx.options.now(),
  );
  return {
    status: 200,
    body: {
      access_token: minted.token,
      expires_on: String(Math.floor(minted.expiresOn.getTime() / 1000)),
      resource,
      token_type: 'Bearer',
      client_id: ids.clientId,
    },
    headers: { 'cache-control': 'no-store' },
  };
};
