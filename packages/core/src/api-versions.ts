/**
 * What each data-plane api-version of the ACS Identity service adds (reference section 1). The versions themselves are
 * in `vocabulary.ts`.
 *
 * Isomorphic: no Node built-ins.
 */
import { API_VERSIONS, type ApiVersion, SCOPE_SINCE, TOKEN_SCOPES, type TokenScope } from './vocabulary.js';

export function isApiVersion(s: unknown): s is ApiVersion {
  return (API_VERSIONS as readonly unknown[]).includes(s);
}

/** What a given api-version supports. */
export interface ApiVersionFeatures {
  /** Token scopes accepted at this version. */
  scopes: TokenScope[];
  /** Whether `expiresInMinutes` (custom token lifetime) is accepted. */
  expiresInMinutes: boolean;
  /** Whether the Teams user token exchange route exists. */
  teamsExchange: boolean;
}

/** The features of `version` (versions compare as dates: `YYYY-MM-DD`). */
export function apiVersionFeatures(version: ApiVersion): ApiVersionFeatures {
  return {
    scopes: TOKEN_SCOPES.filter((scope) => SCOPE_SINCE[scope] <= version),
    expiresInMinutes: version >= '2022-10-01',
    teamsExchange: version >= '2022-06-01',
  };
}
