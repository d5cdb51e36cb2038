// Gateway rate limits across instances: what counting each caller's budget in the shared PostgreSQL costs. Two gateways
// on the same emulator and the same PostgreSQL mapping store, one counting its rate limits in memory
// (GATEWAY_RATE_LIMIT_STORE=memory), one in the database (=database, one upsert per GraphQL request), both with a limit
// no bench load reaches; the admin `issueToken` (which does not touch the mapping store), autocannon, 16 keep-alive
// connections, paired rounds in alternating order. Needs PostgreSQL: ACS_TEST_DATABASE_URL
// (`eval "$(bash scripts/test-services.sh)"`).
import { randomBytes } from 'node:crypto';
import { dropSchema, uniqueSchema } from '@acs-identity/testing';
import autocannon from 'autocannon';
import { figure, isBuilt, median, notMeasured } from '../lib.mjs';
import { cpuSeconds, startBenchEmulator, startBenchGateway } from '../support/processes.mjs';
import { createBenchUser } from './emulator-throughput.mjs';

const ID = 'gateway-rate-limit-database';
const TITLE = 'Gateway rate limits in the shared PostgreSQL vs in memory (admin issueToken)';
const TARGET = '≥ 0.80 × in memory';
const CONNECTIONS = 16;
const ISSUE = 'mutation Issue($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token expiresOn } }';

/** One flat-out load: tokens per second, failures, p50 latency and the gateway's CPU milliseconds per token. */
async function load(gateway, adminKey, userId, seconds) {
  const before = cpuSeconds(gateway.pid);
  const result = await autocannon({
    url: gateway.info.graphqlUrl,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query: ISSUE, variables: { u: userId } }),
  });
  const ok = result['2xx'];
  return {
    rps: ok / seconds,
    failures: result.errors + result.non2xx + result.timeouts,
    p50: result.latency.p50,
    cpuMs: ((cpuSeconds(gateway.pid) - before) * 1000) / Math.max(1, ok),
  };
}

const mean = (rounds, key) => rounds.reduce((sum, r) => sum + r[key], 0) / rounds.length;

export async function run({ smoke }) {
  const databaseUrl = process.env.ACS_TEST_DATABASE_URL;
  if (!isBuilt('emulator') || !isBuilt('graphql')) {
    return [notMeasured(ID, TITLE, TARGET, 'emulator or graphql not built')];
  }
  if (!databaseUrl) {
    return [notMeasured(ID, TITLE, TARGET, 'no PostgreSQL: eval "$(bash scripts/test-services.sh)"')];
  }
  const adminKey = randomBytes(32).toString('base64url');
  const schema = uniqueSchema('bench_limits');
  const emulator = await startBenchEmulator();
  const gateways = {};
  try {
    const userId = await createBenchUser(emulator.info);
    for (const store of ['memory', 'database']) {
      gateways[store] = await startBenchGateway(emulator.info, adminKey, {
        options: {
          databaseUrl,
          databaseSchema: schema,
          rateLimitStore: store,
          rateLimitPerMinute: 1_000_000,
          logLevel: 'error',
        },
      });
    }
    const names = ['memory', 'database'];
    if (!smoke) for (const name of names) await load(gateways[name], adminKey, userId, 2);
    const rounds = { memory: [], database: [] };
    const seconds = smoke ? 1 : 4;
    for (let i = 0; i < (smoke ? 1 : 6); i += 1) {
      for (let j = 0; j < names.length; j += 1) {
        const name = names[(i + j) % names.length];
        rounds[name].push(await load(gateways[name], adminKey, userId, seconds));
      }
    }
    const ratio = median(rounds.database.map((r, i) => r.rps / rounds.memory[i].rps));
    const failures = [...rounds.memory, ...rounds.database].reduce((sum, r) => sum + r.failures, 0);
    const cpu = (name) => mean(rounds[name], 'cpuMs').toFixed(2);
    const p50 = (name) => median(rounds[name].map((r) => r.p50)).toFixed(1);
    return [
      figure({
        id: ID,
        title: TITLE,
        value: mean(rounds.database, 'rps'),
        unit: 'tokens/s',
        baseline: mean(rounds.memory, 'rps'),
        baselineUnit: 'tokens/s (limits in memory)',
        ratio,
        target: TARGET,
        met: failures === 0 && ratio >= 0.8,
        note: `${failures ? `${failures} failed requests; ` : ''}median of ${rounds.database.length} paired rounds; gateway CPU per token: database ${cpu('database')} ms, memory ${cpu('memory')} ms (PostgreSQL's own not counted); p50 ${p50('database')} against ${p50('memory')} ms`,
      }),
    ];
  } finally {
    for (const gateway of Object.values(gateways)) await gateway.stop();
    await emulator.stop();
    await dropSchema(databaseUrl, schema).catch(() => {});
  }
}
