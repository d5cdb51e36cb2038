// Soak: a bounded, fixed-rate mix of writes and token issues, half through the gateway's admin mutations and half
// straight to the emulator (HMAC-signed), for 60 s (4 s with --smoke), loopback only. It stops by itself. Figures:
// errors (target 0) and the memory growth of both processes over the second half of the run (target flat).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { figure, isBuilt, notMeasured, quantile } from '../lib.mjs';
import { signedRequest } from '../support/hmac.mjs';
import { pacedLoad } from '../support/paced.mjs';
import { rssBytes, startBenchEmulator, startBenchGateway } from '../support/processes.mjs';

const API = 'api-version=2023-10-01';
const DEADLINE_MS = 5000;
/** Operations per second, spread evenly (open loop: a slow answer does not slow the schedule down). */
const RATE = 100;
/** Old-generation limit of both server processes, in MiB (their heap after GC is about 20 to 30 MiB). */
const HEAP_LIMIT_MIB = 128;
/**
 * Young-generation semi-space size of both server processes, in MiB, fixed: V8 starts it at 1 MiB and doubles it while
 * allocation is brisk, up to 16 MiB; the last doubling adds 16 MiB of RSS at a moment that depends on the load and the
 * machine, and when it falls in the measured half it reads as 12 to 15 % growth of the emulator, which is no leak (see
 * BENCHMARKS.md, "The soak's memory growth"). Fixed at the size it reaches anyway, RSS shows what the run keeps.
 */
const SEMI_SPACE_MIB = 16;
/** The cycle of operations; as many deletes as creates on each side, so the live population stays small. */
const CYCLE = [
  'gateway:create',
  'emulator:create',
  'gateway:issue',
  'emulator:issue',
  'gateway:revoke',
  'emulator:revoke',
  'gateway:issue',
  'emulator:issue',
  'gateway:delete',
  'emulator:delete',
];

/** A signed request straight to the emulator over a keep-alive HTTPS agent. */
function emulatorClient(info) {
  const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: readFileSync(info.caCertFile) });
  const call = (method, pathAndQuery, bodyObject) =>
    signedRequest(info, method, pathAndQuery, bodyObject, { agent, deadlineMs: DEADLINE_MS });
  const expect = async (status, promise) => {
    const res = await promise;
    if (res.status !== status)
      throw new Error(`emulator answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const path = (id, action = '') => `/identities/${encodeURIComponent(id)}${action}?${API}`;
  return {
    create: async () => (await expect(201, call('POST', `/identities?${API}`))).identity.id,
    issue: (id) => expect(200, call('POST', path(id, '/:issueAccessToken'), { scopes: ['chat', 'voip'] })),
    revoke: (id) => expect(204, call('POST', path(id, '/:revokeAccessTokens'))),
    delete: (id) => expect(204, call('DELETE', path(id))),
    close: () => agent.destroy(),
  };
}

/** The gateway's admin mutations. */
function gatewayClient(info, adminKey) {
  const graphql = async (query, variables = {}) => {
    const response = await fetch(info.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(DEADLINE_MS),
    });
    const body = await response.json();
    if (response.status !== 200 || body.errors) {
      throw new Error(
        `gateway answered ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 200)}`,
      );
    }
    return body.data;
  };
  return {
    create: async () =>
      (
        await graphql(
          'mutation { createUserAndToken(scopes: [CHAT]) { user { rawId } accessToken { token } } }',
        )
      ).createUserAndToken.user.rawId,
    issue: (u) =>
      graphql('mutation($u: ID!) { issueToken(userId: $u, scopes: [CHAT, VOIP]) { token } }', { u }),
    revoke: (u) => graphql('mutation($u: ID!) { revokeTokens(userId: $u) }', { u }),
    delete: (u) => graphql('mutation($u: ID!) { deleteUser(userId: $u) }', { u }),
    close: () => {},
  };
}

/** Live identities of one side, with how many operations use each (an identity in use is not deleted). */
function population() {
  const busy = new Map();
  return {
    size: () => busy.size,
    add: (id) => busy.set(id, 0),
    /** A live identity for issue/revoke, marked busy until `release`. */
    borrow: () => {
      const ids = [...busy.keys()];
      const id = ids[Math.floor(Math.random() * ids.length)];
      if (id !== undefined) busy.set(id, (busy.get(id) ?? 0) + 1);
      return id;
    },
    release: (id) => {
      if (busy.has(id)) busy.set(id, busy.get(id) - 1);
    },
    /** Removes and returns an identity nothing is using, for delete. */
    take: () => {
      for (const [id, uses] of busy) {
        if (uses === 0) {
          busy.delete(id);
          return id;
        }
      }
      return undefined;
    },
  };
}

/**
 * Growth over the second half of the run: the median of the last tenth of the samples against the median of the
 * tenth around the middle (medians, so one garbage-collection peak does not count as growth).
 */
function growth(samples) {
  const window = Math.max(1, Math.floor(samples.length / 10));
  const mid = Math.floor(samples.length / 2);
  const middle = quantile(
    samples.slice(mid - Math.floor(window / 2), mid - Math.floor(window / 2) + window),
    0.5,
  );
  const end = quantile(samples.slice(-window), 0.5);
  return (end - middle) / middle;
}

/** RSS in MiB every `every` samples, for the record. */
const series = (samples, every) =>
  samples.filter((_, i) => i % every === 0).map((b) => Math.round(b / 2 ** 20));

export async function run({ smoke }) {
  const targetErrors = '0 errors';
  const targetMemory = 'RSS growth ≤ 10 % over the last half';
  if (!isBuilt('emulator') || !isBuilt('graphql')) {
    return [
      notMeasured(
        'soak-errors',
        'Soak: errors under a fixed-rate mixed load',
        targetErrors,
        'emulator or graphql not built',
      ),
      notMeasured('soak-memory', 'Soak: memory growth', targetMemory, 'emulator or graphql not built'),
    ];
  }
  const seconds = smoke ? 4 : 60;
  const warmupSeconds = smoke ? 1 : 10;
  const adminKey = randomBytes(32).toString('base64url');
  // Both servers run with a bounded old generation: V8 then collects often enough for RSS to show a leak within the
  // run (and a real leak ends in an out-of-memory crash, i.e. errors), instead of growing the heap lazily; and with a
  // young generation of fixed size, whose one-time growth would otherwise read as growth of the process.
  const nodeArgs = [
    `--max-old-space-size=${HEAP_LIMIT_MIB}`,
    `--min-semi-space-size=${SEMI_SPACE_MIB}`,
    `--max-semi-space-size=${SEMI_SPACE_MIB}`,
  ];
  const emulator = await startBenchEmulator({}, { nodeArgs });
  const gateway = await startBenchGateway(emulator.info, adminKey, { nodeArgs }).catch(async (error) => {
    await emulator.stop();
    throw error;
  });
  const sides = {
    gateway: { client: gatewayClient(gateway.info, adminKey), live: population() },
    emulator: { client: emulatorClient(emulator.info), live: population() },
  };
  const counts = { started: 0, completed: 0, errors: 0 };
  const byKind = {};
  const firstErrors = [];
  let latencies = [];
  const memory = { gateway: [], emulator: [] };
  try {
    for (const side of Object.values(sides)) side.live.add(await side.client.create());
    const runOne = async (kind) => {
      const [sideName, op] = kind.split(':');
      const side = sides[sideName];
      let effective = op;
      let id;
      if (op === 'issue' || op === 'revoke') id = side.live.borrow();
      if (op === 'delete') id = side.live.take();
      if (op !== 'create' && id === undefined) effective = 'create';
      try {
        if (effective === 'create') side.live.add(await side.client.create());
        else await side.client[effective](id);
        counts.completed += 1;
        byKind[`${sideName}:${effective}`] = (byKind[`${sideName}:${effective}`] ?? 0) + 1;
      } catch (error) {
        counts.errors += 1;
        if (firstErrors.length < 3) firstErrors.push(`${sideName} ${effective}: ${error.message}`);
        throw error;
      } finally {
        if (effective === 'issue' || effective === 'revoke') side.live.release(id);
      }
    };
    /** RATE operations a second for `phaseSeconds` (open loop), then the last ones finish. */
    const phase = async (phaseSeconds) => {
      const result = await pacedLoad({
        rate: RATE,
        seconds: phaseSeconds,
        start: (i) => runOne(CYCLE[i % CYCLE.length]),
      });
      counts.started += result.started;
      return result.latencies;
    };
    // Warm-up under the same load (JIT, TLS sessions, heap sizing), then the measured run.
    await phase(warmupSeconds);
    const sample = () => {
      memory.gateway.push(rssBytes(gateway.pid));
      memory.emulator.push(rssBytes(emulator.pid));
    };
    sample();
    const sampler = setInterval(sample, smoke ? 250 : 1000);
    latencies = await phase(seconds);
    clearInterval(sampler);
    sample();
  } finally {
    for (const side of Object.values(sides)) side.client.close();
    await gateway.stop();
    await emulator.stop();
  }
  const gatewayGrowth = growth(memory.gateway);
  const emulatorGrowth = growth(memory.emulator);
  const worst = Math.max(gatewayGrowth, emulatorGrowth);
  const mib = (b) => (b / 2 ** 20).toFixed(1);
  if (smoke && counts.errors > 0) {
    throw new Error(
      `soak smoke: ${counts.errors} errors of ${counts.started} operations: ${firstErrors.join('; ')}`,
    );
  }
  const kinds = Object.entries(byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const every = smoke ? 4 : 5;
  return [
    figure({
      id: 'soak-errors',
      title: `Soak: ${seconds} s (after ${warmupSeconds} s of warm-up) of mixed operations at ${RATE}/s (gateway admin + direct emulator)`,
      value: counts.errors,
      unit: 'errors',
      baseline: counts.completed,
      baselineUnit: 'operations completed',
      target: targetErrors,
      met: counts.errors === 0 && counts.completed === counts.started,
      note: `p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms; ${kinds}${
        firstErrors.length ? `; first errors: ${firstErrors.join('; ')}` : ''
      }`,
    }),
    {
      ...figure({
        id: 'soak-memory',
        title: `Soak: RSS growth over the last half of ${seconds} s`,
        value: worst * 100,
        unit: '% (worst process)',
        baseline: 10,
        baselineUnit: '% allowed',
        target: targetMemory,
        met: worst <= 0.1,
        note: `gateway ${mib(memory.gateway[0])}→${mib(memory.gateway.at(-1))} MiB (+${(gatewayGrowth * 100).toFixed(1)}% last half), emulator ${mib(memory.emulator[0])}→${mib(memory.emulator.at(-1))} MiB (+${(emulatorGrowth * 100).toFixed(1)}% last half)`,
      }),
      rssMiB: {
        everySeconds: every * (smoke ? 0.25 : 1),
        gateway: series(memory.gateway, every),
        emulator: series(memory.emulator, every),
      },
    },
  ];
}
