/**
 * Helpers for the 2025 api-versions' routes: signed JSON requests at a version, the token exchanges with an end user's
 * bearer token, and assignments.
 */
import { type RawResponse, rawRequest, signedRequest, type Target } from './support.js';

/** The version of custom ids, identity details and Entra users. */
export const PREVIEW = '2025-03-02-preview';
/** The version communication-common sends to the Teams Extension exchange. */
export const TEAMS_EXTENSION_VERSION = '2025-06-30';

export const EXCHANGE_ROUTES = {
  teamsExtension: '/access/teamsExtension/:exchangeAccessToken',
  entra: '/access/entra/:exchangeAccessToken',
} as const;

/** A signed request with a JSON body (`undefined`: none) at `version`. */
export function call(
  t: Target,
  method: string,
  path: string,
  version: string,
  body?: unknown,
  contentType?: string,
): Promise<RawResponse> {
  const target = `${path}${path.includes('?') ? '&' : '?'}api-version=${version}`;
  return signedRequest(t, {
    method,
    target,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(contentType === undefined ? {} : { contentType }),
  });
}

/** `POST <route>?api-version=...` with `Authorization: Bearer <token>` and `{}`, as communication-common sends it. */
export function exchange(
  t: Target,
  route: keyof typeof EXCHANGE_ROUTES,
  token: string | undefined,
  version = route === 'entra' ? PREVIEW : TEAMS_EXTENSION_VERSION,
  pathPrefix = '',
): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return rawRequest(
    t,
    'POST',
    `${pathPrefix}${EXCHANGE_ROUTES[route]}?api-version=${version}`,
    headers,
    Buffer.from('{}'),
  );
}

export function teamsAssignmentPath(tenantId: string, objectId: string): string {
  return `/access/teamsExtension/tenants/${tenantId}/assignments/${objectId}`;
}

/** The answer of an exchange: `{identity: {id}, accessToken: {token, expiresOn}}`. */
export interface ExchangeBody {
  identity: { id: string };
  accessToken: { token: string; expiresOn: string };
}

/** The error body `{error: {code, message, target?}}` of an answer. */
export function errorOf(res: RawResponse): { code?: string; message?: string; target?: string } {
  return (
    (res.json as { error?: { code?: string; message?: string; target?: string } } | undefined)?.error ?? {}
  );
}
