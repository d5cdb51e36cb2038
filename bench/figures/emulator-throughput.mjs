// Emulator token issuance throughput and latency, over real HTTPS with HMAC-signed :issueAccessToken requests,
// against the physical limit: RS256 signatures per second in one process with node:crypto.

import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { figure, isBuilt, notMeasured } from '../lib.mjs';
import { parseConnectionString, signedHeaders, signedRequest } from '../support/hmac.mjs';
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
    const half = await loadIssue(emulator.info, userId, {
      durationSeconds: duration,
      connections: 16,
      rate: Math.max(1, Math.floor(rps / 2)),
    });
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
        value: half.latency.p99,
        unit: 'ms',
        baseline: max.latency.p99,
        baselineUnit: 'ms (p99 at maximum throughput)',
        target: targetLatency,
        met: half.latency.p99 <= 10,
        note: `p50 ${half.latency.p50} ms at ${Math.floor(rps / 2)} req/s`,
      }),
    ];
  } finally {
    await emulator.stop();
  }
}
