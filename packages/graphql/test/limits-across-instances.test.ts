// Two gateway instances sharing one PostgreSQL database (each with its own pool, as two processes would have): a
// caller's rate limit and a client's failed-authentication budget hold across them, not once per instance.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway, type GatewayOptions } from '../src/index.js';
import { createLogger, type LogEntry } from '../src/logger.js';
import { createPostgresRateLimits } from '../src/rate-limit-postgres.js';
import { adminKey, dropSchema, graphql, testDatabaseUrl, uniqueSchema } from './helpers.js';

const databaseUrl = testDatabaseUrl();
const schema = uniqueSchema('gw_limits');
const key = adminKey();
const dirs: string[] = [];
const gateways: Gateway[] = [];
const clock = { now: Date.parse('2026-12-03T10:00:00.000Z') };

afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (databaseUrl !== undefined) await dropSchema(databaseUrl, schema);
});

/** One instance: its own data folder, its own pool, the shared schema. */
async function instance(options: GatewayOptions = {}): Promise<Gateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-gateway-limits-'));
  dirs.push(dataDir);
  const gateway = await createGateway({
    env: {},
    dataDir,
    databaseUrl: databaseUrl ?? '',
    databaseSchema: schema,
    adminKeys: [key],
    connectionString: `endpoint=https://127.0.0.1:9/;accesskey=${Buffer.alloc(32, 5).toString('base64')}`,
    rateLimitPerMinute: 3,
    authFailuresPerMinute: 2,
    now: () => clock.now,
    logSink: () => {},
    ...options,
  });
  gateways.push(gateway);
  return gateway;
}

const ask = (gateway: Gateway, bearer: string, query = '{ serverTime }') =>
  graphql((u, i) => gateway.fetch(u, i), 'http://gateway.test/', query, { auth: bearer });

describe.skipIf(databaseUrl === undefined)('limits across instances sharing PostgreSQL', () => {
  let a: Gateway;
  let b: Gateway;

  beforeAll(async () => {
    [a, b] = await Promise.all([instance(), instance()]);
  });

  it("hold a caller's rate limit across both instances, charged per root field", async () => {
    expect((await ask(a, key, '{ x: serverTime y: serverTime }')).status).toBe(200);
    expect((await ask(b, key)).status).toBe(200);
    const refused = [await ask(a, key), await ask(b, key)];
    expect(refused.map((r) => [r.status, r.body.errors?.[0]?.extensions?.code])).toEqual([
      [429, 'THROTTLED'],
      [429, 'THROTTLED'],
    ]);
    expect(refused[1]?.headers.get('retry-after')).toBe('20');
    clock.now += 20_000;
    expect((await ask(b, key)).status).toBe(200);
    expect((await ask(a, key)).status).toBe(429);
  });

  it("hold a client's failed-authentication budget across both instances", async () => {
    expect((await ask(a, adminKey())).status).toBe(401);
    expect((await ask(b, adminKey())).status).toBe(401);
    // The third failure, on either instance, uses up the shared budget; from then on that instance refuses unchecked.
    expect((await ask(a, adminKey())).status).toBe(429);
    expect((await ask(a, key)).status).toBe(429);
    expect((await ask(b, adminKey())).status).toBe(429);
  });

  it('keep each caller apart', async () => {
    const other = adminKey();
    const c = await instance({ adminKeys: [key, other] });
    expect((await ask(c, other)).status).toBe(200);
  });
});

describe.skipIf(databaseUrl === undefined)('the PostgreSQL rate limits', () => {
  it("fall back to this instance's memory, and say so once, when the database cannot be reached", async () => {
    const logs: LogEntry[] = [];
    const now = () => clock.now;
    const limits = createPostgresRateLimits(
      databaseUrl ?? '',
      schema,
      now,
      createLogger((e) => logs.push(e), 'info', now),
    );
    await limits.init();
    const limiter = limits.limiter('fallback-test', 2);
    expect([await limiter.take('k'), await limiter.take('k')]).toEqual([
      { allowed: true },
      { allowed: true },
    ]);
    expect((await limiter.take('k')).allowed).toBe(false);
    await limits.close();
    // The pool is gone: the same key starts afresh in memory, with the same limit.
    const after = [await limiter.take('k'), await limiter.take('k'), await limiter.take('k')];
    expect(after.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(logs.map((e) => [e.level, e.msg])).toEqual([
      ['warn', 'rate limits fall back to this instance: the database cannot be reached'],
    ]);
  });

  it('open their connections before the first requests when warmed', async () => {
    const now = () => clock.now;
    const warmSchema = uniqueSchema('gw_warm');
    const limits = createPostgresRateLimits(
      databaseUrl ?? '',
      warmSchema,
      now,
      createLogger(() => {}, 'info', now),
    );
    const probe = new pg.Client({ connectionString: databaseUrl });
    await probe.connect();
    const connections = async () =>
      Number(
        (
          await probe.query<{ n: string }>(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
            [`acs-identity-gateway rate limits ${warmSchema}`.slice(0, 63)],
          )
        ).rows[0]?.n,
      );
    try {
      await limits.init();
      expect(await connections()).toBe(1);
      await limits.limiter('operations', 120).warm?.();
      expect(await connections()).toBe(8);
    } finally {
      await limits.close();
      await probe.end();
      await dropSchema(databaseUrl ?? '', warmSchema);
    }
  });
});
