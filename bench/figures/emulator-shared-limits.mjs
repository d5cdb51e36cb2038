// Emulator per-resource limits shared across processes: what counting the resource's budgets across every process
// serving it costs, against counting them in each process (rateLimitScope 'process'), in the same run. Two setups:
//   - a cluster of 2 workers on SQLite, whose workers ask the primary over IPC (one round trip per request);
//   - one emulator on PostgreSQL, counting in the shared database (one upsert per request).
// Token issuance (HMAC-signed :issueAccessToken over HTTPS), autocannon, 16 keep-alive connections, flat out, budgets
// no load reaches (every request is counted, none refused); paired rounds in alternating order, median of the per-round
// ratios. The PostgreSQL row needs ACS_TEST_DATABASE_URL (`eval "$(bash scripts/test-services.sh)"`).
import { dropSchema, uniqueSchema } from '@acs-identity/testing';
import { figure, isBuilt, median, notMeasured } from '../lib.mjs';
import { cpuSeconds, startBenchEmulator, startBenchEmulatorCluster } from '../support/processes.mjs';
import { createBenchUser, loadIssue } from './emulator-throughput.mjs';

const TARGET = '≥ 0.80 × per-process limits';
const CONNECTIONS = 16;
/** Budgets no bench load reaches in a 30 s window: every request is counted, none refused. */
const UNREACHED = { issue: 1_000_000_000, create: 1_000_000_000 };
const sum = (values) => values.reduce((a, b) => a + b, 0);

/** One flat-out load: tokens per second, failures, and the server processes' CPU milliseconds per token. */
async function load(server, userId, seconds) {
  const pids = [server.pid, ...(server.info.workerPids ?? [])];
  const before = sum(pids.map(cpuSeconds));
  const result = await loadIssue(server.info, userId, { durationSeconds: seconds, connections: CONNECTIONS });
  const ok = result['2xx'];
  return {
    rps: ok / seconds,
    failures: result.errors + result.non2xx + result.timeouts,
    p50: result.latency.p50,
    cpuMs: ((sum(pids.map(cpuSeconds)) - before) * 1000) / Math.max(1, ok),
  };
}

/** Paired rounds in alternating order on `servers.shared` and `servers.process`; the figure comparing them. */
async function compare({ id, title, servers, smoke, cpuLabel }) {
  const users = {
    shared: await createBenchUser(servers.shared.info),
    process: await createBenchUser(servers.process.info),
  };
  const names = ['process', 'shared'];
  if (!smoke) for (const name of names) await load(servers[name], users[name], 2);
  const rounds = { process: [], shared: [] };
  const seconds = smoke ? 1 : 4;
  for (let i = 0; i < (smoke ? 1 : 6); i += 1) {
    for (let j = 0; j < names.length; j += 1) {
      const name = names[(i + j) % names.length];
      rounds[name].push(await load(servers[name], users[name], seconds));
    }
  }
  const ratios = rounds.shared.map((r, i) => r.rps / rounds.process[i].rps);
  const ratio = median(ratios);
  const failures = sum([...rounds.process, ...rounds.shared].map((r) => r.failures));
  const mean = (name, key) => sum(rounds[name].map((r) => r[key])) / rounds[name].length;
  return figure({
    id,
    title,
    value: mean('shared', 'rps'),
    unit: 'tokens/s',
    baseline: mean('process', 'rps'),
    baselineUnit: 'tokens/s (limits per process)',
    ratio,
    target: TARGET,
    met: failures === 0 && ratio >= 0.8,
    note:
      `${failures ? `${failures} failed requests; ` : ''}median of ${ratios.length} paired rounds ` +
      `(${ratios.map((r) => r.toFixed(2)).join(', ')}); ${cpuLabel} CPU per token: shared ` +
      `${mean('shared', 'cpuMs').toFixed(2)} ms, per process ${mean('process', 'cpuMs').toFixed(2)} ms; p50 ` +
      `${median(rounds.shared.map((r) => r.p50)).toFixed(1)} against ${median(rounds.process.map((r) => r.p50)).toFixed(1)} ms`,
  });
}

async function clusterFigure(smoke) {
  const id = 'emulator-shared-limits-cluster';
  const title = 'Emulator limits shared by a 2-worker cluster (SQLite, counted by the primary) vs per worker';
  const servers = {};
  try {
    for (const scope of ['process', 'shared']) {
      servers[scope] = await startBenchEmulatorCluster({
        workers: 2,
        rateLimits: UNREACHED,
        rateLimitScope: scope,
      });
    }
    return await compare({ id, title, servers, smoke, cpuLabel: 'primary + workers' });
  } finally {
    for (const server of Object.values(servers)) await server.stop();
  }
}

async function postgresFigure(smoke) {
  const id = 'emulator-shared-limits-postgres';
  const title = 'Emulator limits shared in PostgreSQL (1 process) vs per process';
  const databaseUrl = process.env.ACS_TEST_DATABASE_URL;
  if (!databaseUrl) {
    return notMeasured(id, title, TARGET, 'no PostgreSQL: eval "$(bash scripts/test-services.sh)"');
  }
  const databaseSchema = uniqueSchema('bench_emu_limits');
  const servers = {};
  try {
    for (const scope of ['process', 'shared']) {
      servers[scope] = await startBenchEmulator({
        databaseUrl,
        databaseSchema,
        rateLimits: UNREACHED,
        rateLimitScope: scope,
      });
    }
    return await compare({ id, title, servers, smoke, cpuLabel: 'emulator (PostgreSQL not counted)' });
  } finally {
    for (const server of Object.values(servers)) await server.stop();
    await dropSchema(databaseUrl, databaseSchema).catch(() => {});
  }
}

export async function run({ smoke }) {
  if (!isBuilt('emulator')) {
    return [
      notMeasured(
        'emulator-shared-limits-cluster',
        'Emulator limits shared by a cluster',
        TARGET,
        'not built',
      ),
      notMeasured(
        'emulator-shared-limits-postgres',
        'Emulator limits shared in PostgreSQL',
        TARGET,
        'not built',
      ),
    ];
  }
  return [await clusterFigure(smoke), await postgresFigure(smoke)];
}
