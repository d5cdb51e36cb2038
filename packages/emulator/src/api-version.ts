/**
 * The api-version stage of the pipeline: checks the request's `api-version` against the api-versions its route exists
 * at ({@link ApiVersionPolicy}), answering each surface's own 400.
 */
import { API_VERSIONS, type ApiVersion, isApiVersion } from '@acs-identity/core';
import type { ApiVersionPolicy } from './context.js';
import { serviceErrors } from './service-errors.js';

/** The route's ACS api-versions, for a policy (every ACS route exists at these or a subset). */
export function acsVersions(versions: readonly ApiVersion[] = API_VERSIONS): ApiVersionPolicy {
  return { kind: 'acs', versions };
}

/**
 * Checks `requested` against the policy. Returns the ACS api-version for ACS routes, `undefined` for the others;
 * throws the surface's 400 otherwise. `uri` is the request URI as the service names it in its message.
 */
export function checkApiVersion(
  policy: ApiVersionPolicy,
  requested: string | null,
  uri: string,
): ApiVersion | undefined {
  switch (policy.kind) {
    case 'none':
      return undefined;
    case 'arm':
      if (!requested) throw serviceErrors.armApiVersionMissing();
      return undefined;
    case 'managed-identity':
      if (requested !== policy.version)
        throw serviceErrors.managedIdentityApiVersion(policy.version, requested);
      return undefined;
    case 'acs': {
      if (requested === null || requested === '') throw serviceErrors.apiVersionUnspecified(API_VERSIONS);
      if (!isApiVersion(requested)) throw serviceErrors.unsupportedApiVersion(uri, requested, API_VERSIONS);
      if (!policy.versions.includes(requested)) {
        throw serviceErrors.unsupportedApiVersion(uri, requested, policy.versions);
      }
      return requested;
    }
  }
}
