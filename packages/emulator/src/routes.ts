/**
 * The route table: every route the emulator serves, one row each (method, path, operation, authentication, the
 * api-versions it exists at, body, rate-limit budget, handler). A new route is a new row; the pipeline
 * (`pipeline.ts`) runs every request through the same stages.
 */
import { API_VERSIONS, apiVersionsWith } from '@acs-identity/core';
import { acsVersions } from './api-version.js';
import type { ApiVersionPolicy, RouteDefinition } from './context.js';
import { isGuid } from './entra.js';
import { getArmResource, patchArmResource, putArmResource } from './handlers/arm.js';
import { health, signingKeys, verifyToken } from './handlers/emulator-routes.js';
import { entraDiscovery, entraJwks } from './handlers/entra-discovery.js';
import {
  deleteEntraAssignment,
  exchangeEntraToken,
  getEntraAssignment,
  listEntraAssignments,
  patchEntraAssignments,
  putEntraAssignment,
} from './handlers/entra-users.js';
import {
  createIdentity,
  deleteIdentity,
  getIdentity,
  issueAccessToken,
  revokeAccessTokens,
  wantsToken,
} from './handlers/identities.js';
import { MANAGED_IDENTITY_API_VERSION, managedIdentityToken } from './handlers/managed-identity.js';
import { entraAuthorize, entraToken } from './handlers/oauth-token.js';
import { exchangeTeamsToken } from './handlers/teams-exchange.js';
import {
  deleteTeamsExtensionAssignment,
  exchangeTeamsExtensionToken,
  getTeamsExtensionAssignment,
  putTeamsExtensionAssignment,
} from './handlers/teams-extension.js';

/** Paths of the emulator's own (unauthenticated) routes. */
export const EMULATOR_ROUTES = {
  verifyToken: '/emulator/verify-token',
  jwks: '/emulator/jwks.json',
  health: '/emulator/health',
  /** The local Entra issuer's discovery document: `/entra/<tenant>/v2.0/.well-known/openid-configuration`. */
  entraDiscovery: '/entra/{tenantId}/v2.0/.well-known/openid-configuration',
  /** The local Entra issuer's JSON Web Key Set. */
  entraJwks: '/entra/{tenantId}/discovery/v2.0/keys',
  /** The local Entra stand-in's OAuth 2.0 token endpoint (authority host `<endpoint>entra`). */
  entraToken: '/entra/{tenantId}/oauth2/v2.0/token',
  /** Its authorization endpoint, advertised for MSAL: it answers an OAuth error (no interactive sign-in). */
  entraAuthorize: '/entra/{tenantId}/oauth2/v2.0/authorize',
  /** The App Service-protocol managed-identity endpoint (`IDENTITY_ENDPOINT`). */
  managedIdentityToken: '/managed-identity/token',
} as const;

/** Every ACS Identity api-version (the identity operations exist at all of them). */
const ALL = acsVersions(API_VERSIONS);
/** The api-versions of each newer route, from core's feature table. */
const TEAMS_EXCHANGE = acsVersions(apiVersionsWith('teamsExchange'));
const GET_IDENTITY = acsVersions(apiVersionsWith('getIdentity'));
const TEAMS_EXTENSION = acsVersions(apiVersionsWith('teamsExtension'));
const ENTRA_USERS = acsVersions(apiVersionsWith('entraUsers'));
const TEAMS_EXTENSION_ASSIGNMENT = '/access/teamsExtension/tenants/{tenantId}/assignments/{objectId}';
const NO_VERSION: ApiVersionPolicy = { kind: 'none' };
const ARM_VERSION: ApiVersionPolicy = { kind: 'arm' };
const ARM_RESOURCE =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Communication/communicationServices/{name}';

/** Every route, in the order they are tried. */
export const ROUTES: readonly RouteDefinition[] = [
  // The ACS Identity data plane (reference section 1).
  {
    method: 'POST',
    path: '/identities',
    operation: 'create',
    auth: 'service',
    apiVersions: ALL,
    body: 'json',
    rateLimit: (input) => (wantsToken(input) ? 'createWithToken' : 'create'),
    handler: createIdentity,
  },
  {
    method: 'GET',
    path: '/identities/{id}',
    operation: 'getIdentity',
    auth: 'service',
    apiVersions: GET_IDENTITY,
    body: 'none',
    handler: getIdentity,
  },
  {
    method: 'DELETE',
    path: '/identities/{id}',
    operation: 'delete',
    auth: 'service',
    apiVersions: ALL,
    body: 'none',
    rateLimit: () => 'delete',
    handler: deleteIdentity,
  },
  {
    method: 'POST',
    path: '/identities/{id}/:issueAccessToken',
    operation: 'issue',
    auth: 'service',
    apiVersions: ALL,
    body: 'json',
    rateLimit: () => 'issue',
    handler: issueAccessToken,
  },
  {
    method: 'POST',
    path: '/identities/{id}/:revokeAccessTokens',
    operation: 'revoke',
    auth: 'service',
    apiVersions: ALL,
    body: 'none',
    rateLimit: () => 'revoke',
    handler: revokeAccessTokens,
  },
  {
    method: 'POST',
    path: '/teamsUser/:exchangeAccessToken',
    operation: 'exchangeTeamsToken',
    auth: 'service',
    apiVersions: TEAMS_EXCHANGE,
    body: 'json',
    rateLimit: () => 'exchangeTeamsToken',
    handler: exchangeTeamsToken,
  },
  // Teams Phone extensibility (Teams Extension): assignments and the token exchange (newest-API reference 2.3, 2.4).
  {
    method: 'POST',
    path: '/access/teamsExtension/:exchangeAccessToken',
    operation: 'exchangeTeamsExtensionToken',
    auth: 'teams-extension-user',
    apiVersions: TEAMS_EXTENSION,
    body: 'json',
    handler: exchangeTeamsExtensionToken,
  },
  {
    method: 'GET',
    path: TEAMS_EXTENSION_ASSIGNMENT,
    operation: 'getTeamsExtensionAssignment',
    auth: 'service',
    apiVersions: TEAMS_EXTENSION,
    body: 'none',
    handler: getTeamsExtensionAssignment,
  },
  {
    method: 'PUT',
    path: TEAMS_EXTENSION_ASSIGNMENT,
    operation: 'putTeamsExtensionAssignment',
    auth: 'service',
    apiVersions: TEAMS_EXTENSION,
    body: 'json',
    handler: putTeamsExtensionAssignment,
  },
  {
    method: 'DELETE',
    path: TEAMS_EXTENSION_ASSIGNMENT,
    operation: 'deleteTeamsExtensionAssignment',
    auth: 'service',
    apiVersions: TEAMS_EXTENSION,
    body: 'none',
    handler: deleteTeamsExtensionAssignment,
  },
  // Entra ID users: assignments and the token exchange (newest-API reference 2.5, 2.6).
  {
    method: 'POST',
    path: '/access/entra/:exchangeAccessToken',
    operation: 'exchangeEntraToken',
    auth: 'entra-user',
    apiVersions: ENTRA_USERS,
    body: 'json',
    handler: exchangeEntraToken,
  },
  {
    method: 'GET',
    path: '/access/entra/assignments',
    operation: 'listEntraAssignments',
    auth: 'service',
    apiVersions: ENTRA_USERS,
    body: 'none',
    handler: listEntraAssignments,
  },
  {
    method: 'PATCH',
    path: '/access/entra/assignments',
    operation: 'patchEntraAssignments',
    auth: 'service',
    apiVersions: ENTRA_USERS,
    body: 'json',
    handler: patchEntraAssignments,
  },
  {
    method: 'GET',
    path: '/access/entra/assignments/{objectId}',
    operation: 'getEntraAssignment',
    auth: 'service',
    apiVersions: ENTRA_USERS,
    body: 'none',
    handler: getEntraAssignment,
  },
  {
    method: 'PUT',
    path: '/access/entra/assignments/{objectId}',
    operation: 'putEntraAssignment',
    auth: 'service',
    apiVersions: ENTRA_USERS,
    body: 'json',
    handler: putEntraAssignment,
  },
  {
    method: 'DELETE',
    path: '/access/entra/assignments/{objectId}',
    operation: 'deleteEntraAssignment',
    auth: 'service',
    apiVersions: ENTRA_USERS,
    body: 'none',
    handler: deleteEntraAssignment,
  },
  // The emulator's own routes.
  {
    method: 'POST',
    path: EMULATOR_ROUTES.verifyToken,
    operation: 'verifyToken',
    auth: 'none',
    apiVersions: NO_VERSION,
    body: 'json',
    handler: verifyToken,
  },
  {
    method: 'GET',
    path: EMULATOR_ROUTES.jwks,
    operation: 'jwks',
    auth: 'none',
    apiVersions: NO_VERSION,
    body: 'none',
    handler: signingKeys,
  },
  {
    method: 'GET',
    path: EMULATOR_ROUTES.health,
    operation: 'health',
    auth: 'none',
    apiVersions: NO_VERSION,
    body: 'none',
    handler: health,
  },
  // The local Entra ID stand-in and the managed-identity endpoint.
  {
    method: 'GET',
    path: EMULATOR_ROUTES.entraDiscovery,
    operation: 'entraDiscovery',
    auth: 'none',
    apiVersions: NO_VERSION,
    where: { tenantId: isGuid },
    body: 'none',
    handler: entraDiscovery,
  },
  {
    method: 'GET',
    path: EMULATOR_ROUTES.entraJwks,
    operation: 'entraJwks',
    auth: 'none',
    apiVersions: NO_VERSION,
    where: { tenantId: isGuid },
    body: 'none',
    handler: entraJwks,
  },
  {
    method: 'POST',
    path: EMULATOR_ROUTES.entraToken,
    operation: 'entraToken',
    auth: 'none',
    apiVersions: NO_VERSION,
    where: { tenantId: isGuid },
    body: 'form',
    errors: 'oauth',
    handler: entraToken,
  },
  {
    method: 'GET',
    path: EMULATOR_ROUTES.entraAuthorize,
    operation: 'entraAuthorize',
    auth: 'none',
    apiVersions: NO_VERSION,
    where: { tenantId: isGuid },
    body: 'none',
    errors: 'oauth',
    handler: entraAuthorize,
  },
  {
    method: 'GET',
    path: EMULATOR_ROUTES.managedIdentityToken,
    operation: 'managedIdentityToken',
    auth: 'managed-identity',
    apiVersions: { kind: 'managed-identity', version: MANAGED_IDENTITY_API_VERSION },
    body: 'none',
    handler: managedIdentityToken,
  },
  // Azure Resource Manager: the resource's own managed identities.
  {
    method: 'GET',
    path: ARM_RESOURCE,
    operation: 'armResource',
    auth: 'arm',
    apiVersions: ARM_VERSION,
    caseInsensitive: true,
    body: 'none',
    handler: getArmResource,
  },
  {
    method: 'PUT',
    path: ARM_RESOURCE,
    operation: 'armResource',
    auth: 'arm',
    apiVersions: ARM_VERSION,
    caseInsensitive: true,
    body: 'json',
    handler: putArmResource,
  },
  {
    method: 'PATCH',
    path: ARM_RESOURCE,
    operation: 'armResource',
    auth: 'arm',
    apiVersions: ARM_VERSION,
    caseInsensitive: true,
    body: 'json',
    handler: patchArmResource,
  },
];
