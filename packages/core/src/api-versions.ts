/**
 * What each data-plane api-version of the ACS Identity service has (reference sections 1 of both references): the one
 * feature table that the emulator's route table and core's client both read. The versions themselves are in
 * `vocabulary.ts`.
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
  /** `customId` on create, and `customId`/`lastTokenIssuedAt` in the identities the service answers with. */
  customId: boolean;
  /** `GET /identities/{id}`. */
  getIdentity: boolean;
  /** Teams Phone extensibility: `/access/teamsExtension/...` (the token exchange and the assignments). */
  teamsExtension: boolean;
  /** Entra ID users: `/access/entra/...` (the token exchange and the assignments). */
  entraUsers: boolean;
}

/** A feature a version may have (every boolean of {@link ApiVersionFeatures}). */
export type ApiVersionFeature = Exclude<keyof ApiVersionFeatures, 'scopes'>;

type FeatureRow = Omit<ApiVersionFeatures, 'scopes'>;

const NOTHING_NEW = {
  customId: false,
  getIdentity: false,
  teamsExtension: false,
  entraUsers: false,
} as const;
/** 2023-10-01: lifetimes, the Teams user exchange and every scope. */
const CLASSIC = { expiresInMinutes: true, teamsExchange: true, ...NOTHING_NEW } as const;

/**
 * The feature table, one row per api-version. Scopes come from `SCOPE_SINCE` (a scope exists from its version on).
 *
 * - `2025-03-02-preview`: custom ids, identity details, Teams Extension and Entra users (spec revision b2f74197).
 * - `2025-04-01-preview`: its spec file is a copy of 2023-10-01 (`info.version` 2023-10-01, no GET, no custom id),
 *   although its examples show `externalId` and a GET: the emulator follows the spec file.
 * - `2025-06-30`, `2026-07-22`, `2026-09-23`: 2023-10-01 plus Teams Extension only (no custom id, no GET, no Entra).
 */
export const API_VERSION_FEATURES: { readonly [V in ApiVersion]: Readonly<FeatureRow> } = {
  '2021-03-07': { expiresInMinutes: false, teamsExchange: false, ...NOTHING_NEW },
  '2022-06-01': { expiresInMinutes: false, teamsExchange: true, ...NOTHING_NEW },
  '2022-10-01': CLASSIC,
  '2023-10-01': CLASSIC,
  '2025-03-02-preview': {
    ...CLASSIC,
    customId: true,
    getIdentity: true,
    teamsExtension: true,
    entraUsers: true,
  },
  '2025-04-01-preview': CLASSIC,
  '2025-06-30': { ...CLASSIC, teamsExtension: true },
  '2026-07-22': { ...CLASSIC, teamsExtension: true },
  '2026-09-23': { ...CLASSIC, teamsExtension: true },
};

/** The features of `version`. */
export function apiVersionFeatures(version: ApiVersion): ApiVersionFeatures {
  return {
    scopes: TOKEN_SCOPES.filter((scope) => SCOPE_SINCE[scope] <= version),
    ...API_VERSION_FEATURES[version],
  };
}

/** Whether `version` is a preview (`...-preview`). */
export function isPreviewApiVersion(version: ApiVersion): boolean {
  return version.endsWith('-preview');
}

/** The api-versions that have `feature`, oldest first. */
export function apiVersionsWith(feature: ApiVersionFeature): ApiVersion[] {
  return API_VERSIONS.filter((v) => API_VERSION_FEATURES[v][feature]);
}

/**
 * The api-version to call for `feature`: `preferred` when it has the feature, else the oldest stable version that has
 * it (what the Azure SDKs send: `2025-06-30` for Teams Extension), else the oldest preview that has it
 * (`2025-03-02-preview` for custom ids, identity details and Entra users).
 */
export function apiVersionFor(feature: ApiVersionFeature, preferred?: ApiVersion): ApiVersion {
  if (preferred !== undefined && API_VERSION_FEATURES[preferred][feature]) return preferred;
  const versions = apiVersionsWith(feature);
  const chosen = versions.find((v) => !isPreviewApiVersion(v)) ?? versions[0];
  if (chosen === undefined) throw new Error(`No api-version has ${feature}.`);
  return chosen;
}
