import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The routes the gateway counts by name; anything else is `other`, so a scanner cannot grow the label set. */
export const METRIC_ROUTES = ['/graphql', '/healthz', '/readyz', '/metrics', '/dev/sign-in'] as const;

/** `path` as a route label. */
export function routeOf(path: string): string {
  return (METRIC_ROUTES as readonly string[]).includes(path) ? path : 'other';
}

/**
 * The gateway's Prometheus metrics: prom-client's default process metrics and the gateway's own counters and
 * histogram, in one registry per gateway.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'acs_gateway_http_requests_total',
    help: 'HTTP requests by route and status.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'acs_gateway_http_request_duration_seconds',
    help: 'HTTP request duration by route.',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly operations = new Counter({
    name: 'acs_gateway_graphql_operations_total',
    help: 'GraphQL operations by root field and outcome code.',
    labelNames: ['field', 'code'] as const,
    registers: [this.registry],
  });
  readonly identitiesCreated = new Counter({
    name: 'acs_gateway_identities_created_total',
    help: 'ACS identities created for end users on first use.',
    registers: [this.registry],
  });
  readonly tokensIssued = new Counter({
    name: 'acs_gateway_tokens_issued_total',
    help: 'Access tokens handed out, by caller role.',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'acs_gateway_auth_failures_total',
    help: 'Requests refused because authentication failed.',
    registers: [this.registry],
  });
  readonly throttled = new Counter({
    name: 'acs_gateway_rate_limited_total',
    help: 'Requests refused by the per-caller rate limit.',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });

  /** `processMetrics: false` leaves out prom-client's process metrics (and their event-loop and GC observers). */
  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition of every metric, and its content type. */
  async render(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
