// Gateway speed: tokens per second through the gateway, with every protection on (admin key or OIDC verification, CSRF
// prevention, query limits, per-caller rate limit, metrics, access log), against the minimal token server people write
// today (node:http, one route, the real @azure/communication-identity client, no authentication). Same emulator, same
// load (autocannon, 16 keep-alive connections), same run, rounds alternating so a noisy neighbour weighs on all.
// Two paths: the administrator's `issueToken`, and the end user's `issueMyToken` (OIDC token verified against the
// issuer's JWKS, identity looked up in the SQLite mapping); and `issueMyToken` again with identities mapped through
// custom ids (one create-with-custom-id-and-token request to the service instead of a look-up and an issue). And the
// first second after start of a fresh process.
// Set BENCH_CPU_PROF=<folder> to write a `node --cpu-prof` profile of every server process.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOidcIssuer } from '@acs-identity/testing';
import autocannon from 'autocannon';
import { figure, isBuilt, median, notMeasured } from '../lib.mjs';
import {
  cpuSeconds,
  startBenchEmulator,
  startBenchGateway,
  startMinimalTokenServer,
} from '../support/processes.mjs';
import { createBenchUser } from './emulator-throughput.mjs';

const CONNECTIONS = 16;
const ISSUE = 'mutation Issue($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token expiresOn } }';
const MINE = 'mutation Mine { issueMyToken(scopes: [CHAT]) { token expiresOn } }';
const TARGET = '≥ 1.0 × minimal server';

/** What each load sends: URL, headers and body. */
const requests = {
  minimal: (server, userId) => ({
    url: server.info.url,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, scopes: ['chat'] }),
  }),
  issue: (gateway, userId, adminKey) => ({
    url: gateway.info.graphqlUrl,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query: ISSUE, variables: { u: userId } }),
  }),
  mine: (gateway, jwt) => ({
    url: gateway.info.graphqlUrl,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
    body: JSON.stringify({ query: MINE }),
  }),
};

/** One flat-out load: tokens per second, failures, and the server's CPU milliseconds per token. */
async function load(target, pid, seconds) {
  const before = cpuSeconds(pid);
  const result = await autocannon({ ...target, method: 'POST', connections: CONNECTIONS, duration: seconds });
  const ok = result['2xx'];
  return {
    rps: ok / seconds,
    failures: result.errors + result.non2xx + result.timeouts,
    cpuMs: ((cpuSeconds(pid) - before) * 1000) / Math.max(1, ok),
  };
}

const mean = (rounds, key) => rounds.reduce((sum, r) => sum + r[key], 0) / rounds.length;
const total = (rounds, key) => rounds.reduce((sum, r) => sum + r[key], 0);

function profileArgs(name) {
  const folder = process.env.BENCH_CPU_PROF;
  if (!folder) return [];
  mkdirSync(folder, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${folder}`, `--cpu-prof-name=${name}.cpuprofile`];
}

/**
 * A gateway on `emulator` with every protection on: OIDC end users, admin key, a rate limit no bench load reaches.
 * `identityMapping` chooses how end users are mapped (the store by default, as at the default api-version).
 */
function startProtectedGateway(emulator, adminKey, issuer, name, dataDir, identityMapping = 'store') {
  return startBenchGateway(emulator.info, adminKey, {
    nodeArgs: profileArgs(name),
    dataDir,
    options: {
      oidcIssuer: issuer.issuer,
      oidcAudience: issuer.audience,
      rateLimitPerMinute: 1_000_000,
      logLevel: 'info',
      identityMapping,
    },
  });
}

function verdict({ id, title, value, baseline, ratio = value / baseline, failures, note }) {
  return figure({
    id,
    title,
    value,
    unit: 'tokens/s',
    baseline,
    baselineUnit: 'tokens/s (minimal server)',
    ratio,
    target: TARGET,
    met: failures === 0 && ratio >= 1,
    note: `${failures ? `${failures} failed requests; ` : ''}${note}`,
  });
}

/**
 * The first second of each server after it printed its address: the minimal server, and a gateway for each path
 * (for issueMyToken on a data folder where the user is already mapped, as after a restart).
 */
async function firstSeconds(emulator, userId, adminKey, issuer, jwt, dataDir) {
  const minimal = await startMinimalTokenServer(emulator.info);
  const minimalFirst = await load(requests.minimal(minimal, userId), minimal.pid, 1).finally(minimal.stop);
  const issueGateway = await startProtectedGateway(emulator, adminKey, issuer, 'gateway-first-issue');
  const issueFirst = await load(requests.issue(issueGateway, userId, adminKey), issueGateway.pid, 1).finally(
    issueGateway.stop,
  );
  const mineGateway = await startProtectedGateway(emulator, adminKey, issuer, 'gateway-first-mine', dataDir);
  const mineFirst = await load(requests.mine(mineGateway, jwt), mineGateway.pid, 1).finally(mineGateway.stop);
  const customGateway = await startProtectedGateway(
    emulator,
    adminKey,
    issuer,
    'gateway-first-custom-id',
    undefined,
    'customId',
  );
  const customIdFirst = await load(requests.mine(customGateway, jwt), customGateway.pid, 1).finally(
    customGateway.stop,
  );
  return { minimalFirst, issueFirst, mineFirst, customIdFirst };
}

export async function run({ smoke }) {
  const ids = [
    'gateway-speed-issue',
    'gateway-speed-my-token',
    'gateway-speed-first-second',
    'gateway-speed-my-token-custom-id',
  ];
  if (!isBuilt('emulator') || !isBuilt('graphql')) {
    return ids.map((id) => notMeasured(id, id, TARGET, 'emulator or graphql not built'));
  }
  const adminKey = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-speed-'));
  const emulator = await startBenchEmulator();
  const issuer = await startOidcIssuer({ audience: 'bench-app', kid: 'bench-1' });
  const servers = [];
  try {
    const userId = await createBenchUser(emulator.info);
    // Valid for an hour: longer than every load of this figure.
    const jwt = await issuer.sign(
      { sub: 'bench-user', oid: '00000000-0000-4000-8000-000000000001' },
      { expiresIn: 3600 },
    );
    // Map the end user once, so every issueMyToken below looks the identity up.
    const mapper = await startProtectedGateway(emulator, adminKey, issuer, 'gateway-mapper', dataDir);
    const { url, ...init } = requests.mine(mapper, jwt);
    const mapped = await fetch(url, { method: 'POST', ...init }).finally(mapper.stop);
    if ((await mapped.json()).errors) throw new Error('the gateway did not issue a first issueMyToken');
    // And make the identity of the user's custom id once, so every customId issueMyToken below finds it.
    const customMapper = await startProtectedGateway(
      emulator,
      adminKey,
      issuer,
      'gateway-custom-id-mapper',
      undefined,
      'customId',
    );
    const custom = requests.mine(customMapper, jwt);
    const customMapped = await fetch(custom.url, {
      method: 'POST',
      headers: custom.headers,
      body: custom.body,
    });
    await customMapper.stop();
    if ((await customMapped.json()).errors)
      throw new Error('the custom-id gateway did not issue a first token');

    const first = await firstSeconds(emulator, userId, adminKey, issuer, jwt, dataDir);

    const minimal = await startMinimalTokenServer(emulator.info, { nodeArgs: profileArgs('minimal') });
    servers.push(minimal);
    const gateway = await startProtectedGateway(emulator, adminKey, issuer, 'gateway', dataDir);
    servers.push(gateway);
    const customGateway = await startProtectedGateway(
      emulator,
      adminKey,
      issuer,
      'gateway-custom-id',
      undefined,
      'customId',
    );
    servers.push(customGateway);
    const targets = {
      minimal: [requests.minimal(minimal, userId), minimal.pid],
      issue: [requests.issue(gateway, userId, adminKey), gateway.pid],
      mine: [requests.mine(gateway, jwt), gateway.pid],
      customId: [requests.mine(customGateway, jwt), customGateway.pid],
    };
    if (!smoke) for (const [target, pid] of Object.values(targets)) await load(target, pid, 2);
    // Rounds in a rotating order (so none always follows another), each gateway round compared with the minimal
    // server's round of the same cycle; the figure is the median of those ratios.
    const rounds = { minimal: [], issue: [], mine: [], customId: [] };
    const seconds = smoke ? 1 : 4;
    const names = Object.keys(targets);
    for (let i = 0; i < (smoke ? 1 : 5); i += 1) {
      for (let j = 0; j < names.length; j += 1) {
        const name = names[(i + j) % names.length];
        const [target, pid] = targets[name];
        rounds[name].push(await load(target, pid, seconds));
      }
    }
    const base = mean(rounds.minimal, 'rps');
    const ratio = (name) => median(rounds[name].map((r, i) => r.rps / rounds.minimal[i].rps));
    const cpu = (name) => mean(rounds[name], 'cpuMs').toFixed(2);
    const failures = (name) => total(rounds[name], 'failures') + total(rounds.minimal, 'failures');
    const note = (name) =>
      `median of ${rounds[name].length} paired rounds; server CPU per token: gateway ${cpu(name)} ms, minimal server ${cpu('minimal')} ms`;
    const firstMin = Math.min(first.issueFirst.rps, first.mineFirst.rps);
    return [
      verdict({
        id: ids[0],
        title: 'Gateway speed: admin issueToken vs minimal token server',
        value: mean(rounds.issue, 'rps'),
        baseline: base,
        ratio: ratio('issue'),
        failures: failures('issue'),
        note: note('issue'),
      }),
      verdict({
        id: ids[1],
        title:
          'Gateway speed: end-user issueMyToken (OIDC verified, identity looked up) vs minimal token server',
        value: mean(rounds.mine, 'rps'),
        baseline: base,
        ratio: ratio('mine'),
        failures: failures('mine'),
        note: note('mine'),
      }),
      figure({
        id: ids[2],
        title:
          'Gateway speed: first second after start (slower of the two paths) vs minimal token server, both fresh',
        value: firstMin,
        unit: 'tokens/s',
        baseline: first.minimalFirst.rps,
        baselineUnit: 'tokens/s (minimal server, first second)',
        target: TARGET,
        met: first.issueFirst.failures + first.mineFirst.failures === 0 && firstMin >= first.minimalFirst.rps,
        note: `first second: issueToken ${first.issueFirst.rps.toFixed(0)}, issueMyToken ${first.mineFirst.rps.toFixed(0)} tokens/s; ${(firstMin / base).toFixed(2)} × the warm minimal server`,
      }),
      verdict({
        id: ids[3],
        title:
          'Gateway speed: end-user issueMyToken with identities mapped through custom ids (OIDC verified, one create-with-token request) vs minimal token server',
        value: mean(rounds.customId, 'rps'),
        baseline: base,
        ratio: ratio('customId'),
        failures: failures('customId'),
        note: `${note('customId')}; ${median(rounds.customId.map((r, i) => r.rps / rounds.mine[i].rps)).toFixed(2)} × issueMyToken through the store (same rounds); first second after start ${first.customIdFirst.rps.toFixed(0)} tokens/s`,
      }),
    ];
  } finally {
    for (const server of servers) await server.stop();
    await issuer.close();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
