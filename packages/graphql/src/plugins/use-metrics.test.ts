import { describe, expect, it } from 'vitest';
import { keptLogs, post, yogaWith } from '../../test/plugin-yoga.js';
import { GatewayMetrics } from '../metrics.js';
import { useMetrics } from './use-metrics.js';
import { useRequestContext } from './use-request-context.js';

describe('useMetrics', () => {
  it("serves prom-client's process metrics and the gateway's counts in one registry", async () => {
    const metrics = new GatewayMetrics();
    const yoga = yogaWith([useRequestContext({ logger: keptLogs().logger }), useMetrics({ metrics })]);
    await post(yoga, '{ hello(name: "a") }');
    const response = await yoga.fetch('http://yoga.test/metrics');
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('acs_gateway_http_requests_total{route="/graphql",status="200"} 1');
    expect(text).toMatch(/acs_gateway_http_request_duration_seconds_count\{route="\/graphql"\} 1/);
  });

  it('counts unknown paths as one route, so scanners cannot grow the label set', async () => {
    const metrics = new GatewayMetrics();
    const yoga = yogaWith([useMetrics({ metrics })]);
    await yoga.fetch('http://yoga.test/wp-admin');
    await yoga.fetch('http://yoga.test/.env');
    expect(await metrics.registry.getSingleMetricAsString('acs_gateway_http_requests_total')).toContain(
      'acs_gateway_http_requests_total{route="other",status="404"} 2',
    );
  });
});
