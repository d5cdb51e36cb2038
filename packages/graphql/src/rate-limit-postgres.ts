import pg from 'pg';
import type { Logger } from './logger.js';
import { createInSchema, quoteIdent } from './postgres-schema.js';
import { MemoryRateLimiter, type RateDecision, type RateLimiter } from './rate-limit.js';

/** The budgets that gateway instances sharing one PostgreSQL database share. */
export interface PostgresRateLimits {
  /** Creates the table if needed (serialised between instances starting together). */
  init(): Promise<void>;
  /** A limiter of `perMinute` units a minute whose keys live under `name` in the shared table. */
  limiter(name: string, perMinute: number): RateLimiter;
  close(): Promise<void>;
}

/** How often each instance deletes the rows of buckets that are full again (they mean the same as no row). */
const PRUNE_EVERY_MS = 5 * 60_000;
/** Connections opened (and the charge prepared on) before the first requests. */
const WARM_CONNECTIONS = 8;
/** How often a failing database is reported while limits fall back to this instance's memory. */
const WARN_EVERY_MS = 60_000;

/**
 * Rate limits in the PostgreSQL database gateway instances share: one row per key (`gateway_rate_limits`, an UNLOGGED
 * table: counters need no crash safety, and skipping the write-ahead log makes each charge cheaper), holding the time
 * at which the key's bucket is full again, the same token bucket as {@link MemoryRateLimiter} (see `charge` in
 * `rate-limit.ts`). Each charge is ONE statement: an upsert that moves the time on only when the charge fits (the row
 * lock makes concurrent charges from every instance add up), and reads the time left when it does not. When the
 * database cannot be reached, limits fall back to this instance's memory (logged once a minute), so callers are served
 * with per-instance limits rather than refused.
 */
export function createPostgresRateLimits(
  connectionString: string,
  schema: string,
  now: () => number,
  logger: Logger,
): PostgresRateLimits {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 2000,
    query_timeout: 2000,
    // So operators (and tests) can tell these connections in pg_stat_activity.
    application_name: `acs-identity-gateway rate limits ${schema}`.slice(0, 63),
  });
  // An idle client's connection error must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const table = `${quoteIdent(schema)}.gateway_rate_limits`;
  const take = {
    name: `acs-identity-rate-limit-take:${schema}`,
    text: `WITH charged AS (
      INSERT INTO ${table} AS b (key, full_at) VALUES ($1, $2::float8 + $3::float8)
      ON CONFLICT (key) DO UPDATE SET full_at = GREATEST(b.full_at, $2::float8) + $3::float8
        WHERE GREATEST(b.full_at, $2::float8) + $3::float8 - $2::float8 <= 60000.001
      RETURNING full_at
    )
    SELECT c.full_at AS charged,
      CASE WHEN c.full_at IS NULL THEN (SELECT full_at FROM ${table} WHERE key = $1) END AS current
    FROM (SELECT 1) AS one LEFT JOIN charged AS c ON true`,
  };
  let lastWarning = Number.NEGATIVE_INFINITY;
  const fellBack = (e: unknown) => {
    const at = now();
    if (at - lastWarning < WARN_EVERY_MS) return;
    lastWarning = at;
    logger.warn('rate limits fall back to this instance: the database cannot be reached', { cause: e });
  };
  const prune = setInterval(() => {
    pool.query(`DELETE FROM ${table} WHERE full_at < $1`, [now()]).catch(() => {});
  }, PRUNE_EVERY_MS);
  prune.unref();

  return {
    async init() {
      await createInSchema(pool, schema, [
        `CREATE UNLOGGED TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, full_at DOUBLE PRECISION NOT NULL)`,
      ]);
    },
    limiter(name, perMinute) {
      const local = new MemoryRateLimiter(perMinute, now);
      return {
        perMinute,
        async warm() {
          // As many connections as a busy client keeps requests in flight, each with the statement prepared.
          const step = 60_000 / Math.max(1, perMinute);
          const clients = (
            await Promise.allSettled(Array.from({ length: WARM_CONNECTIONS }, () => pool.connect()))
          ).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
          await Promise.all(
            clients.map((client) =>
              client
                .query({ ...take, values: [`${name}:warm-up`, now() - 120_000, step] })
                .catch(() => undefined),
            ),
          );
          for (const client of clients) client.release();
        },
        async take(key, cost = 1): Promise<RateDecision> {
          if (perMinute <= 0) return { allowed: true };
          const at = now();
          const step = (cost * 60_000) / perMinute;
          if (step > 60_000) return { allowed: false, retryAfterMs: Math.ceil(step - 60_000) };
          try {
            const { rows } = await pool.query<{ charged: number | null; current: number | null }>({
              ...take,
              values: [`${name}:${key}`, at, step],
            });
            const row = rows[0];
            if (row?.charged !== null && row?.charged !== undefined) return { allowed: true };
            const over = Math.max(row?.current ?? at, at) + step - at - 60_000;
            return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(over)) };
          } catch (e) {
            fellBack(e);
            return local.take(key, cost);
          }
        },
      };
    },
    async close() {
      clearInterval(prune);
      await pool.end();
    },
  };
}
