// The per-resource limits (reference section 7) hold across the processes that serve one resource, as the service's
// do (issue 17): two instances sharing PostgreSQL count in the database, the workers of a cluster on SQLite ask their
// primary. With rateLimitScope 'process' each process keeps its own budget, as before.
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorOptions, type RunningEmulatorCluster, startEmulatorCluster } from '../src/index.js';
import {
  dropSchema,
  ServedBy,
  startTestEmulator,
  type TestEmulator,
  tempDir,
  testDatabaseUrl,
  uniqueSchema,
} from './support.js';
import { type Answer, API, createIdentity, errorCodeOf, signed, type Target } from './support-reliability.js';

const url = testDatabaseUrl();

/** Issues a token for `id` through `t` (a connection of `agent` when given). */
function issue(t: Target, id: string, agent?: Agent): Promise<Answer> {
  return signed(
    t,
    { target: `/identities/${encodeURIComponent(id)}/:issueAccessToken?${API}`, body: '{"scopes":["chat"]}' },
    agent,
  );
}

const statusesOf = (answers: Answer[]) => answers.map((a) => a.status);
const requestIdOf = (answer: Answer) => String(answer.headers['x-ms-request-id'] ?? '');

describe.runIf(url)('two emulator instances sharing one PostgreSQL database', () => {
  const databaseUrl = url ?? '';
  const schemas: string[] = [];
  const instances: TestEmulator[] = [];
  /** The clock both instances read (their windows line up, as machines kept in time by NTP). */
  const clock = { now: Date.now() };

  async function pair(options: EmulatorOptions): Promise<[TestEmulator, TestEmulator]> {
    const databaseSchema = uniqueSchema('limits');
    schemas.push(databaseSchema);
    const shared = { databaseUrl, databaseSchema, now: () => clock.now, ...options };
    const a = await startTestEmulator(shared);
    const b = await startTestEmulator(shared);
    instances.push(a, b);
    return [a, b];
  }

  afterAll(async () => {
    for (const instance of instances) await instance.close();
    for (const schema of schemas) await dropSchema(databaseUrl, schema);
  });

  it("hold the resource's limits across both instances, each operation its own budget", async () => {
    const [a, b] = await pair({ rateLimits: { windowMs: 30_000, issue: 4, create: 3 } });
    const at = (t: TestEmulator): Target => ({ info: t.info, ca: t.ca, clock });
    const { id } = await createIdentity(at(a)); // create 1 of 3
    const issued = [];
    for (const t of [a, b, a, b]) issued.push(await issue(at(t), id));
    expect(statusesOf(issued)).toEqual([200, 200, 200, 200]);
    const overA = await issue(at(a), id);
    const overB = await issue(at(b), id);
    expect([overA.status, errorCodeOf(overA), overB.status, errorCodeOf(overB)]).toEqual([
      429,
      'TooManyRequests',
      429,
      'TooManyRequests',
    ]);
    expect(Number(overB.headers['retry-after'])).toBeGreaterThan(0);
    // Creates have their own budget: two more, one on each instance, then none.
    await createIdentity(at(b));
    await createIdentity(at(a));
    await expect(createIdentity(at(b))).rejects.toThrow(/429/);
    // The next window serves again, on both.
    clock.now += Number(overB.headers['retry-after']) * 1000 + 1;
    expect(statusesOf([await issue(at(b), id), await issue(at(a), id)])).toEqual([200, 200]);
  });

  it('hold when both instances are asked at once', async () => {
    const [a, b] = await pair({ rateLimits: { windowMs: 30_000, issue: 10 } });
    const at = (t: TestEmulator): Target => ({ info: t.info, ca: t.ca, clock });
    const { id } = await createIdentity(at(a));
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => issue(at(i % 2 ? a : b), id)));
    expect(answers.filter((x) => x.status === 200)).toHaveLength(10);
    expect(answers.filter((x) => x.status === 429)).toHaveLength(20);
  });

  it("each keep their own budget with rateLimitScope 'process'", async () => {
    const [a, b] = await pair({ rateLimits: { windowMs: 30_000, issue: 2 }, rateLimitScope: 'process' });
    const at = (t: TestEmulator): Target => ({ info: t.info, ca: t.ca, clock });
    const { id } = await createIdentity(at(a));
    const answers = [];
    for (const t of [a, b, a, b, a, b]) answers.push(await issue(at(t), id));
    expect(statusesOf(answers)).toEqual([200, 200, 200, 200, 429, 429]);
  });
});

describe('two workers of a cluster on SQLite', () => {
  let folder: Awaited<ReturnType<typeof tempDir>>;
  let cluster: RunningEmulatorCluster;
  let t: Target;
  const servedBy = new ServedBy();
  const agents: Agent[] = [];

  beforeAll(async () => {
    folder = await tempDir('acs-emulator-limits-cluster-');
    cluster = await startEmulatorCluster({
      port: 0,
      dataDir: folder.path,
      workers: 2,
      handleSignals: false,
      logger: servedBy.logger,
      // A window of 23 days: the test never straddles two.
      rateLimits: { windowMs: 2_000_000_000, issue: 6 },
    });
    t = { info: cluster.info, ca: await readFile(cluster.info.caCertFile ?? '', 'utf8') };
  });

  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    await cluster?.close();
    await folder?.remove();
  });

  it("hold the resource's limits across both workers", async () => {
    // One keep-alive connection per worker (connections are handed to the workers in turn).
    const byWorker = new Map<number, Agent>();
    while (byWorker.size < 2) {
      const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: t.ca });
      agents.push(agent);
      const health = await signed(t, { method: 'GET', target: '/emulator/health' }, agent);
      byWorker.set(await servedBy.worker(requestIdOf(health)), agent);
    }
    const [first, second] = [...byWorker.values()];
    if (!first || !second) throw new Error('expected two workers');
    const { id } = await createIdentity(t);
    const answers = [];
    for (const agent of [first, second, first, second, first, second, first, second]) {
      answers.push(await issue(t, id, agent));
    }
    expect(statusesOf(answers)).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    const workers = await Promise.all(answers.map((a) => servedBy.worker(requestIdOf(a))));
    expect(new Set(workers)).toEqual(new Set(cluster.workerPids));
    expect(errorCodeOf(answers[7] as Answer)).toBe('TooManyRequests');
  });
});
