/**
 * The `scope` parameter of the token endpoint: one resource and its permissions (`<resource>/<permission>` or
 * `<resource>/.default`, space-separated) plus OpenID Connect scopes, and the end users' resources the password grant
 * gives tokens for with their delegated permissions.
 */
import { TEAMS_EXCHANGE_SCOPES } from './entra.js';
import {
  ENTRA_CLIENTS_AUDIENCE,
  ENTRA_CLIENTS_AUDIENCE_PATTERN,
  ENTRA_PERMISSIONS,
  TEAMS_EXTENSION_AUDIENCE,
  TEAMS_EXTENSION_AUDIENCE_PATTERN,
  TEAMS_EXTENSION_SCOPE,
} from './entra-user-tokens.js';
import { oauthErrors } from './oauth-errors.js';

/** Scopes that name no resource: `openid` asks for an ID token. */
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
const DEFAULT_PERMISSION = '.default';

/** What a `scope` parameter asks for. */
export interface RequestedScopes {
  /** The resource (its application ID URI or id) without trailing slashes: the token's audience. */
  resource: string;
  /** The permission names as sent (`.default` included). */
  permissions: string[];
  /** The OpenID Connect scopes asked (`openid`, `profile`, `email`, `offline_access`). */
  oidc: string[];
}

/** Splits a `scope` parameter; `invalid_scope` when a scope names no resource or two resources are asked. */
export function parseScopes(scope: string): RequestedScopes {
  const oidc: string[] = [];
  const named: { resource: string; permission: string }[] = [];
  for (const item of scope.split(' ').filter((s) => s !== '')) {
    if ((OIDC_SCOPES as readonly string[]).includes(item.toLowerCase())) {
      oidc.push(item.toLowerCase());
      continue;
    }
    const slash = item.lastIndexOf('/');
    const resource = item.slice(0, slash).replace(/\/+$/, '');
    const permission = item.slice(slash + 1);
    if (slash < 0 || resource === '' || permission === '') throw oauthErrors.scopeInvalid(item);
    named.push({ resource, permission });
  }
  const [first] = named;
  if (!first) throw oauthErrors.scopeInvalid(scope);
  if (named.some((n) => n.resource.toLowerCase() !== first.resource.toLowerCase())) {
    throw oauthErrors.scopeSeveralResources(scope);
  }
  return { resource: first.resource, permissions: named.map((n) => n.permission), oidc };
}

/** Whether the scopes are exactly `<resource>/.default` (the `client_credentials` grant's only form). */
export function isDefaultScope(requested: RequestedScopes): boolean {
  return requested.permissions.length === 1 && requested.permissions[0] === DEFAULT_PERMISSION;
}

/** A resource whose delegated tokens the password grant gives, and the permissions it has. */
export interface UserResource {
  /** `teams`: the Teams and Teams Extension exchanges' resource; `entra-user`: the Communication Services Clients app. */
  kind: 'teams' | 'entra-user';
  /** Its application ID URI, for messages. */
  uri: string;
  /** Its application ID URIs (and id) as a scope's resource may name it; the token's audience is the one named. */
  pattern: RegExp;
  /** Every permission it has, in its spelling: what `.default` gives (_decision_: as if all were consented). */
  permissions: readonly string[];
}

export const USER_RESOURCES: readonly UserResource[] = [
  {
    kind: 'teams',
    uri: TEAMS_EXTENSION_AUDIENCE,
    pattern: TEAMS_EXTENSION_AUDIENCE_PATTERN,
    permissions: [...TEAMS_EXCHANGE_SCOPES, TEAMS_EXTENSION_SCOPE],
  },
  {
    kind: 'entra-user',
    uri: ENTRA_CLIENTS_AUDIENCE,
    pattern: ENTRA_CLIENTS_AUDIENCE_PATTERN,
    permissions: ENTRA_PERMISSIONS,
  },
];

/** The end-user resource the scopes name, if the password grant serves it. */
export function userResourceOf(requested: RequestedScopes): UserResource | undefined {
  return USER_RESOURCES.find((r) => r.pattern.test(requested.resource));
}

/**
 * The permissions granted for the scopes, in the resource's spelling, without duplicates: `.default` gives all of
 * the resource's; an unknown permission is `invalid_scope`.
 */
export function grantedPermissions(resource: UserResource, requested: RequestedScopes): string[] {
  const granted: string[] = [];
  for (const asked of requested.permissions) {
    const known =
      asked === DEFAULT_PERMISSION
        ? resource.permissions
        : resource.permissions.filter((p) => p.toLowerCase() === asked.toLowerCase());
    if (known.length === 0) throw oauthErrors.scopeInvalid(`${requested.resource}/${asked}`);
    for (const p of known) if (!granted.includes(p)) granted.push(p);
  }
  return granted;
}
