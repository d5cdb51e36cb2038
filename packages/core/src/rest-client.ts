/**
 * Calls of the operations the published `@azure/communication-identity` lacks, on the Azure core pipeline
 * (`@azure-rest/core-client`) with communication-common's authentication policy (HMAC or a `TokenCredential`), the
 * same transport as the SDK client, and the same error conversion. Node entry.
 */

import { createCommunicationAuthPolicy } from '@azure/communication-common';
import {
  createRestError,
  getClient,
  type HttpResponse,
  type ResourceMethods,
  type StreamableMethod,
} from '@azure-rest/core-client';
import type { NormalizedOptions } from './client-options.js';
import { toAcsIdentityError } from './errors.js';
import { type TransportOptions, withoutRequestSecrets } from './pipeline-policies.js';
import type { ApiVersion } from './vocabulary.js';

/** One call: `path` with `{placeholders}` filled (percent-encoded) from `params`. */
export interface RestCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  params?: readonly string[];
  apiVersion: ApiVersion;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  abortSignal?: AbortSignal | undefined;
}

const METHODS = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' } as const;

/** A 2xx answer: its status and parsed JSON body (`undefined` when empty). */
export interface RestAnswer {
  status: number;
  body: unknown;
}

export type RestCaller = (call: RestCall) => Promise<RestAnswer>;

function failure(response: HttpResponse): unknown {
  // The service's `{"error":{code,message,target}}` as `details`, where toAcsIdentityError reads it (as from the SDK).
  return Object.assign(createRestError(response), { details: response.body });
}

/**
 * A caller for the resource at `o.endpoint`: `authenticated` requests carry the client's credential through
 * communication-common's policy (the same signing the SDK does); the others only what the call gives (the token
 * exchanges send the end user's own bearer token). Every failure is an `AcsIdentityError`.
 */
export function createRestCaller(
  o: NormalizedOptions,
  transport: TransportOptions,
  authenticated: boolean,
): RestCaller {
  const policies = [...(transport.additionalPolicies ?? [])];
  if (authenticated) {
    policies.push({ policy: createCommunicationAuthPolicy(o.credential), position: 'perRetry' });
  }
  const client = getClient(o.endpoint, { ...transport, additionalPolicies: policies });
  return async (call) => {
    const request = {
      queryParameters: { 'api-version': call.apiVersion },
      ...(call.body === undefined ? {} : { body: call.body }),
      ...(call.contentType === undefined ? {} : { contentType: call.contentType }),
      ...(call.headers === undefined ? {} : { headers: call.headers }),
      ...(call.abortSignal === undefined ? {} : { abortSignal: call.abortSignal }),
    };
    // The path is a runtime value here, so its parameters cannot be typed from its template.
    const path = client.pathUnchecked as (
      path: string,
      ...params: string[]
    ) => ResourceMethods<StreamableMethod>;
    const resource = path(call.path, ...(call.params ?? []));
    let response: HttpResponse;
    try {
      response = await resource[METHODS[call.method]](request);
    } catch (e) {
      throw toAcsIdentityError(withoutRequestSecrets(e));
    }
    const status = Number(response.status);
    if (status < 200 || status > 299) throw toAcsIdentityError(withoutRequestSecrets(failure(response)));
    return { status, body: response.body === '' ? undefined : response.body };
  };
}
