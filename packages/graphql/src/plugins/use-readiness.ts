import { type Plugin, useReadinessCheck } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';

/** Options of {@link useReadiness}. */
export interface ReadinessOptions {
  /** Answers `GET /readyz`: a Response, or whether the gateway is ready. */
  check: Parameters<typeof useReadinessCheck>[0]['check'];
  /**
   * Where probes ask.
   * @default '/readyz'
   */
  endpoint?: string;
}

/**
 * graphql-yoga's own readiness plugin (`useReadinessCheck`), asked only for its path: on every other request it would
 * match the URL against a `URLPattern`, a few per cent of the gateway's CPU per request (BENCHMARKS.md).
 */
export function useReadiness(options: ReadinessOptions): Plugin<GatewayContext> {
  const endpoint = options.endpoint ?? '/readyz';
  // yoga types its own plugins for its base context only.
  const yogas = useReadinessCheck({ endpoint, check: options.check }) as unknown as Plugin<GatewayContext>;
  return {
    onYogaInit(payload) {
      return yogas.onYogaInit?.(payload);
    },
    onRequest(payload) {
      if (payload.url.pathname !== endpoint) return;
      return yogas.onRequest?.(payload);
    },
  };
}
