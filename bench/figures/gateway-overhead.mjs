// Gateway overhead: the issueToken mutation through the gateway to the emulator, against the same request
// straight to the emulator, both flat out with the same number of connections.
import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request } from 'node:http';
import autocannon from 'autocannon';
import { figure, isBuilt, notMeasured, quantile } from '../lib.mjs';
import { pacedLoad } from '../support/paced.mjs';
import { cpuSeconds, startBenchEmulator, startBenchGateway } from '../support/processes.mjs';
import { createBenchUser, loadIssue, pacedIssue } from './emulator-throughput.mjs';

export function loadGatewayIssue(gatewayInfo, adminKey, userId, { durationSeconds, connections, rate }) {
  return autocannon({
    url: gatewayInfo.graphqlUrl,
    connections,
    duration: durationSeconds,
    ...(rate ? { overallRate: rate } : {}),
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query: ISSUE_MUTATION, variables: { u: userId } }),
  });
}

const ISSUE_MUTATION =
  'mutation Issue($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token expiresOn } }';

/** One POST of `body` to `url` over `agent` (node:http, like the direct path's node:https): status and text. */
function post(url, agent, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The issueToken mutation at a fixed rate, evenly spaced, after a warm-up, over keep-alive connections of Node's http
 * client: the same client family as the direct path (https), so the generator costs both paths alike.
 */
async function pacedGatewayIssue(
  gatewayInfo,
  adminKey,
  userId,
  { rate, durationSeconds, warmupSeconds, connections },
) {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: connections });
  const body = JSON.stringify({ query: ISSUE_MUTATION, variables: { u: userId } });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` };
  try {
    return await pacedLoad({
      rate,
      seconds: durationSeconds,
      warmupSeconds,
      start: async () => {
        const { status, text } = await post(gatewayInfo.graphqlUrl, agent, headers, body);
        if (status !== 200 || JSON.parse(text).errors) throw new Error(`gateway answered ${status}`);
      },
    });
  } finally {
    agent.destroy();
  }
}

export async function run({ smoke }) {
  const targetRps = '≥ 0.80 × direct';
  const targetP50 = '≤ 1.5 × direct';
  if (!isBuilt('emulator') || !isBuilt('graphql')) {
    return [
      notMeasured(
        'gateway-throughput',
        'Gateway issueToken throughput',
        targetRps,
        'emulator or graphql not built',
      ),
      notMeasured(
        'gateway-latency',
        'Gateway issueToken p50 latency',
        targetP50,
        'emulator or graphql not built',
      ),
    ];
  }
  const adminKey = randomBytes(24).toString('base64url');
  const emulator = await startBenchEmulator();
  const gateway = await startBenchGateway(emulator.info, adminKey);
  try {
    const userId = await createBenchUser(emulator.info);
    const duration = smoke ? 1 : 10;
    const connections = 16;
    await loadIssue(emulator.info, userId, { durationSeconds: smoke ? 1 : 3, connections });
    await loadGatewayIssue(gateway.info, adminKey, userId, { durationSeconds: smoke ? 1 : 3, connections });
    const direct = await loadIssue(emulator.info, userId, { durationSeconds: duration, connections });
    // CPU time of each server and of this generator per request through the gateway (/proc, like emulator-scaling):
    // on shared cores their sum, not the gateway alone, bounds the throughput.
    const before = {
      gateway: cpuSeconds(gateway.pid),
      emulator: cpuSeconds(emulator.pid),
      generator: process.cpuUsage(),
    };
    const via = await loadGatewayIssue(gateway.info, adminKey, userId, {
      durationSeconds: duration,
      connections,
    });
    const count = Math.max(1, via.requests.total);
    const perRequestMs = (seconds) => ((seconds * 1000) / count).toFixed(2);
    const generatorCpu = process.cpuUsage(before.generator);
    const cpuNote = `CPU per request through the gateway: gateway ${perRequestMs(cpuSeconds(gateway.pid) - before.gateway)} ms, emulator ${perRequestMs(cpuSeconds(emulator.pid) - before.emulator)} ms, load generator ${perRequestMs((generatorCpu.user + generatorCpu.system) / 1e6)} ms`;
    const errors = via.errors + via.non2xx;
    // Flat out, latency is connections / throughput (Little's law), so the p50 ratio above mirrors the throughput
    // ratio. What a caller adds at a load both paths carry easily: p50 at a fixed, evenly spaced rate.
    const paced = {
      rate: 200,
      durationSeconds: smoke ? 1 : 5,
      warmupSeconds: smoke ? 0.5 : 1,
      connections: 16,
    };
    const directPaced = await pacedIssue(emulator.info, userId, paced);
    const viaPaced = await pacedGatewayIssue(gateway.info, adminKey, userId, paced);
    const p50 = (r) => quantile(r.latencies, 0.5).toFixed(1);
    const pacedNote = `at ${paced.rate} req/s evenly spaced: p50 ${p50(viaPaced)} ms through the gateway, ${p50(directPaced)} ms direct (${(quantile(viaPaced.latencies, 0.5) / quantile(directPaced.latencies, 0.5)).toFixed(2)} ×)${viaPaced.failures.count ? `; ${viaPaced.failures.count} errors` : ''}`;
    return [
      figure({
        id: 'gateway-throughput',
        title: 'Gateway issueToken throughput (gateway → emulator)',
        value: via.requests.average,
        unit: 'req/s',
        baseline: direct.requests.average,
        baselineUnit: 'req/s straight to the emulator',
        target: targetRps,
        met: errors === 0 && via.requests.average / direct.requests.average >= 0.8,
        note: `${cpuNote}${errors ? `; ${errors} errors or non-2xx answers` : ''}`,
      }),
      figure({
        id: 'gateway-latency',
        title: 'Gateway issueToken p50 latency',
        value: via.latency.p50,
        unit: 'ms',
        baseline: direct.latency.p50,
        baselineUnit: 'ms straight to the emulator',
        target: targetP50,
        met: via.latency.p50 / Math.max(direct.latency.p50, 1) <= 1.5,
        note: pacedNote,
      }),
    ];
  } finally {
    await gateway.stop();
    await emulator.stop();
  }
}
