// Emulator token issuance throughput and latency, over real HTTPS with HMAC-signed :issueAccessToken requests,
// against the physical limit: RS256 signatures per second in one process with node:crypto.

import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import autocannon from 'autocannon';
import { figure, isBuilt, notMeasured, quantile } from '../lib.mjs';
import { parseConnectionString, signedHeaders, signedRequest } from '../support/hmac.mjs';
import { pacedLoad } from '../support/paced.mjs';
import { startBenchEmulator } from '../support/processes.mjs';
import { measureRs256PerSecond } from './rs256-limit.mjs';

const API = 'api-version=2023-10-01';

/** Runs autocannon issuing tokens for `userId`; `rate` caps requests per second overall (undefined = flat out). */
export async function loadIssue(info, userId, { durationSeconds, connections, rate }) {
  const { endpoint, key } = parseConnectionString(info.connectionString);
  const pathAndQuery = `/identities/${encodeURIComponent(userId)}/:issueAccessToken?${API}`;
  const body = JSON.stringify({ scopes: ['chat'] });
  const result = await autocannon({
    url: `https://${endpoint.host}`,
    connections,
    duration: durationSeconds,
    ...(rate ? { overallRate: rate } : {}),
    tlsOptions: { ca: readFileSync(info.caCertFile) },
    requests: [
      {
        method: 'POST',
        path: pathAndQuery,
        setupRequest: (req) => ({
          ...req,
          body,
          headers: signedHeaders({ key, method: 'POST', pathAndQuery, host: endpoint.host, body }),
        }),
      },
    ],
  });
  return result;
}

/**
 * Issues tokens at a fixed `rate`, evenly spaced (open loop), over `connections` keep-alive HTTPS connections, and
 * returns the latencies counted from when each request was due. autocannon's own rate limit sends each second's
 * quota in a burst at the start of the second, which measures burst queueing rather than latency at that rate.
 * The first `warmupSeconds` at the same rate open the connections (16 TLS handshakes at once queue every request
 * behind them for tens of milliseconds) and are not counted: the figure is the steady state.
 */
export async function pacedIssue(info, userId, { rate, durationSeconds, connections, warmupSeconds = 2 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, ca: readFileSync(info.caCertFile) });
  const pathAndQuery = `/identities/${encodeURIComponent(userId)}/:issueAccessToken?${API}`;
  try {
    return await pacedLoad({
      rate,
      seconds: durationSeconds,
      warmupSeconds,
      start: async () => {
        const res = await signedRequest(info, 'POST', pathAndQuery, { scopes: ['chat'] }, { agent });
        if (res.status !== 200) throw new Error(`issue answered ${res.status}`);
      },
    });
  } finally {
    agent.destroy();
  }
}

export async function createBenchUser(info) {
  const created = await signedRequest(info, 'POST', `/identities?${API}`);
  if (created.status !== 201) throw new Error(`create identity answered ${created.status}`);
  return created.body.identity.id;
}

export async function run({ smoke }) {
  const targetThroughput = '≥ 0.70 × RS256 limit';
  const targetLatency = 'p99 ≤ 10 ms at half max';
  if (!isBuilt('emulator')) {
    return [
      notMeasured(
        'emulator-throughput',
        'Emulator token issuance throughput',
        targetThroughput,
        'emulator not built',
      ),
      notMeasured(
        'emulator-latency',
        'Emulator latency p99 at half max',
        targetLatency,
        'emulator not built',
      ),
    ];
  }
  const limit = measureRs256PerSecond(smoke ? 500 : 5000);
  const emulator = await startBenchEmulator();
  try {
    const userId = await createBenchUser(emulator.info);
    const duration = smoke ? 1 : 10;
    // Warm up (JIT, TLS sessions, SQLite page cache).
    await loadIssue(emulator.info, userId, { durationSeconds: smoke ? 1 : 3, connections: 16 });
    const max = await loadIssue(emulator.info, userId, { durationSeconds: duration, connections: 16 });
    const rps = max.requests.average;
    const errors = max.errors + max.non2xx;
    const halfRate = Math.max(1, Math.floor(rps / 2));
    const half = await pacedIssue(emulator.info, userId, {
      durationSeconds: duration,
      warmupSeconds: smoke ? 0.5 : 2,
      connections: 16,
      rate: halfRate,
    });
    const halfP99 = quantile(half.latencies, 0.99);
    const halfErrors = half.failures.count;
    return [
      figure({
        id: 'emulator-throughput',
        title: 'Emulator token issuance throughput (HTTPS, HMAC, 1 process)',
        value: rps,
        unit: 'tokens/s',
        baseline: limit,
        baselineUnit: 'RS256 signatures/s (node:crypto, 1 process)',
        target: targetThroughput,
        met: errors === 0 && rps / limit >= 0.7,
        note: errors ? `${errors} errors or non-2xx answers` : '',
      }),
      figure({
        id: 'emulator-latency',
        title: 'Emulator latency p99 at half the maximum throughput',
        value: halfP99,
        unit: 'ms',
        baseline: max.latency.p99,
        baselineUnit: 'ms (p99 at maximum throughput, autocannon)',
        target: targetLatency,
        met: halfErrors === 0 && halfP99 <= 10,
        note: `p50 ${quantile(half.latencies, 0.5).toFixed(1)} ms, p99.9 ${quantile(half.latencies, 0.999).toFixed(1)} ms at ${halfRate} req/s evenly spaced (open loop, 16 keep-alive connections)${halfErrors ? `; ${halfErrors} errors: ${half.failures.first.join('; ')}` : ''}`,
      }),
    ];
  } finally {
    await emulator.stop();
  }
}
