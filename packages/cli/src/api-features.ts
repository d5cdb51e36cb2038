/**
 * Which api-versions a command can call, from core's one feature table (`API_VERSION_FEATURES`): the note help and the
 * README add to a command whose declaration names a feature (`apiFeature`), and the usage error for an api-version
 * given (flag or variable) that lacks it, before any request. Without an api-version core calls the version that has
 * the feature (`apiVersionFor`, from its default version).
 */
import {
  API_VERSION_FEATURES,
  type ApiVersionFeature,
  apiVersionFor,
  apiVersionsWith,
  isApiVersion,
} from '@acs-identity/core';
import { DEFAULT_API_VERSION, ENV } from '@acs-identity/core/vocabulary';
import type { ErrorOutcome } from './parsed.js';
import type { ArgSource, CommandSpec, OptionSpec } from './spec.js';

/** How messages name each feature. */
const FEATURE_NAMES: Readonly<Record<ApiVersionFeature, string>> = {
  expiresInMinutes: 'token lifetimes',
  teamsExchange: 'the Teams user token exchange',
  customId: 'custom ids',
  getIdentity: 'identity details (GET /identities/{id})',
  teamsExtension: 'Teams Phone extensibility (Teams Extension)',
  entraUsers: 'Entra ID users',
};

/**
 * The version called for `feature` without --api-version: core's client is at DEFAULT_API_VERSION, and calls a feature
 * that version lacks at the version core's table gives it.
 */
export function defaultApiVersionFor(feature: ApiVersionFeature): string {
  return apiVersionFor(feature, DEFAULT_API_VERSION);
}

/** The versions with `feature`, the one called without --api-version marked: `2025-06-30 (default), 2026-07-22`. */
export function apiVersionsText(feature: ApiVersionFeature): string {
  const chosen = defaultApiVersionFor(feature);
  return apiVersionsWith(feature)
    .map((version) => (version === chosen ? `${version} (default)` : version))
    .join(', ');
}

/** The sentence help and the README add to a command that calls a feature of newer api-versions. */
export function apiVersionNote(spec: CommandSpec): string | undefined {
  if (spec.apiFeature === undefined) return undefined;
  return `api-versions with ${FEATURE_NAMES[spec.apiFeature]}: ${apiVersionsText(spec.apiFeature)}.`;
}

/** The note of an option that needs a feature: `[api-versions: 2025-03-02-preview (default)]`. */
export function optionApiNote(spec: OptionSpec): string | undefined {
  return spec.apiFeature === undefined ? undefined : `api-versions: ${apiVersionsText(spec.apiFeature)}`;
}

/** What needs a feature on this command line: the command itself, and each option given that needs one. */
function needs(
  spec: CommandSpec,
  args: Readonly<Record<string, unknown>>,
  sources: Readonly<Record<string, ArgSource>>,
): { what: string; feature: ApiVersionFeature }[] {
  const out: { what: string; feature: ApiVersionFeature }[] = [];
  if (spec.apiFeature !== undefined) out.push({ what: spec.path.join(' '), feature: spec.apiFeature });
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.apiFeature === undefined || args[name] === undefined || sources[name] === 'default') continue;
    out.push({ what: `--${name}`, feature: option.apiFeature });
  }
  return out;
}

/**
 * A usage error when the api-version given (`--api-version` or its variable) lacks what the command line calls, naming
 * the versions that have it; undefined otherwise (no version given: core picks one that has it).
 */
export function apiVersionError(
  spec: CommandSpec,
  args: Readonly<Record<string, unknown>>,
  sources: Readonly<Record<string, ArgSource>>,
): ErrorOutcome | undefined {
  const version = args['api-version'];
  const source = sources['api-version'];
  if (!isApiVersion(version) || source === undefined || source === 'default') return undefined;
  for (const { what, feature } of needs(spec, args, sources)) {
    if (API_VERSION_FEATURES[version][feature]) continue;
    const given = source === 'env' ? `${ENV.apiVersion}=${version}` : `--api-version ${version}`;
    return {
      kind: 'error',
      message: `${what} needs an api-version with ${FEATURE_NAMES[feature]}: ${apiVersionsWith(feature).join(', ')}; ${given} has none.`,
      hint: `Leave out --api-version${source === 'env' ? ` and ${ENV.apiVersion}` : ''} (acs-identity then calls ${defaultApiVersionFor(feature)}), or give one of those.`,
    };
  }
  return undefined;
}
