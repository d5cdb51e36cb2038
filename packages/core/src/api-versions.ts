/**
 * The data-plane api-versions of the ACS Identity service and what each one adds (reference section 1).
 *
 * Isomorphic: no Node built-ins.
 */
import { TOKEN_SCOPES, type TokenScope } from './scopes.js';

/** Supported api-versions, oldest first. */
export const API_VERSIONS = ['2021-03-07', '2022-06-01', '2022-10-01', '2023-10-01'] as const;

export type ApiVersion = (typeof API_VERSIONS)[number];

/** The api-version the JS SDK 1.3.x sends by default. */
export const DEFAULT_API_VERSION: ApiVersion = '2023-10-01';

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
    scopes: TOKEN_SCOPES.filter((scope) => (scope.includes('.') ? '2023-10-01' : '2021-03-07') <= version),
    expiresInMinutes: version >= '2022-10-01',
    teamsExchange: version >= '2022-06-01',
  };
}
