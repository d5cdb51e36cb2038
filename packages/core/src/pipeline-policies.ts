/**
 * What every HTTP client of core shares: the per-client TLS trust, direct loopback connections, the request log, retry
 * settings, and keeping secrets out of the errors it throws. Node entry.
 */
import { createSecureContext } from 'node:tls';
import type { PipelineOptions, PipelinePolicy } from '@azure/core-rest-pipeline';
import type { IdentityRequestLogEntry, NormalizedOptions } from './client-options.js';
import { redactUrl, toAcsIdentityError } from './errors.js';

/**
 * A local endpoint is reached directly even when HTTPS_PROXY/HTTP_PROXY are set: the pipeline's proxy policy would
 * send loopback traffic to the proxy (and its proxy agent would drop the per-client CA).
 */
export const loopbackWithoutProxyPolicy: PipelinePolicy = {
  name: 'acsIdentityLoopbackWithoutProxy',
  sendRequest(request, next) {
    delete request.agent;
    return next(request);
  },
};

export function requestLoggerPolicy(logger: (entry: IdentityRequestLogEntry) => void): PipelinePolicy {
  const emit = (entry: IdentityRequestLogEntry) => {
    try {
      logger(entry);
    } catch {
      // A failing logger must not fail the operation.
    }
  };
  return {
    name: 'acsIdentityRequestLogger',
    async sendRequest(request, next) {
      const started = performance.now();
      const base = { method: request.method, url: redactUrl(request.url), requestId: request.requestId };
      try {
        const response = await next(request);
        emit({ ...base, status: response.status, durationMs: Math.round(performance.now() - started) });
        return response;
      } catch (e) {
        const status = (e as { statusCode?: unknown }).statusCode;
        const entry: IdentityRequestLogEntry = {
          ...base,
          durationMs: Math.round(performance.now() - started),
        };
        if (typeof status === 'number') entry.status = status;
        else entry.error = toAcsIdentityError(e).code;
        emit(entry);
        throw e;
      }
    },
  };
}

/**
 * The SDK's `RestError` keeps the request it sent: its headers (the bearer token or HMAC signature) and body (the Teams
 * user's Entra token). It becomes our error's `cause`, so keep only the method and URL of that request.
 */
export function withoutRequestSecrets(e: unknown): unknown {
  const err = e as { request?: { method?: unknown; url?: unknown }; response?: { request?: unknown } } | null;
  if (err && typeof err === 'object' && err.request && typeof err.request === 'object') {
    const request = { method: err.request.method, url: err.request.url };
    try {
      err.request = request;
      if (err.response && typeof err.response === 'object') err.response.request = request;
    } catch {
      // A frozen error keeps its request; nothing more we can do.
    }
  }
  return e;
}
/** The pipeline options every Azure client takes (`CommonClientOptions` of core-client, `ClientOptions` of core-client-rest). */
export interface TransportOptions extends PipelineOptions {
  allowInsecureConnection?: boolean;
  additionalPolicies?: { policy: PipelinePolicy; position: 'perCall' | 'perRetry' }[];
}

/** The Azure pipeline options of a client: TLS trust, plain HTTP for loopback, retries, the loopback and log policies. */
export function transportOptions(o: NormalizedOptions): TransportOptions {
  const out: TransportOptions = {};
  if (o.insecure) out.allowInsecureConnection = true;
  if (o.ca) {
    // One secure context per client, handed to the agent instead of the `ca` list: Node's https agent keys its
    // connection pool by a string that concatenates every `ca` entry (the public roots plus ours) on every request,
    // and builds a fresh context per connection; a prebuilt context avoids both (a third of the gateway's CPU).
    const secureContext = createSecureContext({ ca: o.ca });
    out.tlsOptions = { secureContext } as NonNullable<PipelineOptions['tlsOptions']>;
  }
  if (o.retry) out.retryOptions = o.retry;
  const policies: NonNullable<TransportOptions['additionalPolicies']> = [];
  if (o.loopback) policies.push({ policy: loopbackWithoutProxyPolicy, position: 'perRetry' });
  if (o.logger) policies.push({ policy: requestLoggerPolicy(o.logger), position: 'perRetry' });
  if (policies.length > 0) out.additionalPolicies = policies;
  return out;
}
