import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../metrics.js';
import { requestState } from '../request-state.js';
import type { GatewayContext } from '../schema/context.js';

/** Options of {@link useMetrics}. */
export interface MetricsOptions {
  /** The registry and the gateway's own metrics. */
  metrics: GatewayMetrics;
  /**
   * Where Prometheus scrapes them.
   * @default '/metrics'
   */
  endpoint?: string;
}

/** Serves `GET /metrics` (Prometheus text format) and counts every request by route and status, with its duration. */
export function useMetrics(options: MetricsOptions): Plugin<GatewayContext> {
  const { metrics } = options;
  const endpoint = options.endpoint ?? '/metrics';
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== endpoint || request.method !== 'GET') return;
      return metrics.render().then(({ text, contentType }) => {
        endResponse(new Response(text, { headers: { 'content-type': contentType } }));
      });
    },
    onResponse({ request, response }) {
      const { route, startedAt } = requestState(request);
      metrics.httpRequests.inc({ route, status: String(response.status) });
      metrics.httpDuration.observe({ route }, (performance.now() - startedAt) / 1000);
    },
  };
}
