/**
 * The per-resource budgets counted in the PostgreSQL database that emulator instances share, so that they hold across
 * every instance (and every worker) serving the resource, as the service's do.
 *
 * One row per (resource, operation, window) in `<schema>.rate_windows`, an UNLOGGED table (counters need no crash
 * safety, and skipping the write-ahead log makes each count cheaper). Each request is ONE statement: an upsert that
 * adds one unit only while the window is under the limit; the row lock makes concurrent counts from every instance
 * add up exactly. Windows are aligned to the epoch by each instance's clock (keep the machines' clocks in time). Old
 * windows are deleted every minute. When the database cannot be reached the request fails as any other store access
 * does (503 `ServiceUnavailable`): the limits are never silently per-process.
 */
import { withAdvisoryLock } from '@acs-identity/core/server';
import pg from 'pg';
import { EmulatorError } from './errors.js';
import {
  type NormalizedRateLimits,
  type RateDecision,
  type RateLimitedOperation,
  type RateLimiter,
  refusal,
  windowStart,
} from './rate-limit.js';
import { redactDatabaseUrl, schemaLockKey } from './store-postgres.js';

/** How often an instance deletes windows that have passed. */
const PRUNE_EVERY_MS = 60_000;
/** Connections of the counter (the store has its own pool). */
const POOL_SIZE = 4;

function storageError(action: string, e: unknown): EmulatorError {
  return new EmulatorError(
    'STORAGE_FAILED',
    `PostgreSQL rate limits could not ${action}: ${(e as Error).message}`,
    {
      cause: e,
    },
  );
}

/** Creates the table when missing (under the store's advisory lock) and returns the shared counter. */
export async function createPostgresRateLimiter(
  url: string,
  schema: string,
  config: NormalizedRateLimits,
  now: () => number,
): Promise<RateLimiter> {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    application_name: `acs-identity-emulator rate limits ${schema}`.slice(0, 63),
  });
  pool.on('error', () => {}); // idle-client errors surface on the next query instead of crashing the process
  const table = `${schema}.rate_windows`;
  try {
    await withAdvisoryLock(pool, schemaLockKey(schema), async (client) => {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE UNLOGGED TABLE IF NOT EXISTS ${table} (resource_id TEXT NOT NULL, operation TEXT NOT NULL, window_start BIGINT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (resource_id, operation, window_start))`,
      );
    });
  } catch (e) {
    await pool.end().catch(() => {});
    throw new EmulatorError(
      'STORAGE_FAILED',
      `Could not prepare the rate limits in PostgreSQL at ${redactDatabaseUrl(url)} (schema ${schema}): ${(e as Error).message}`,
      { cause: e },
    );
  }
  const take = {
    name: `acs-emulator-rate-take:${schema}`,
    text: `INSERT INTO ${table} AS w (resource_id, operation, window_start, count) VALUES ($1, $2, $3, 1)
      ON CONFLICT (resource_id, operation, window_start) DO UPDATE SET count = w.count + 1 WHERE w.count < $4
      RETURNING count`,
  };
  const prune = setInterval(() => {
    pool
      .query(`DELETE FROM ${table} WHERE window_start < $1`, [windowStart(now(), config.windowMs)])
      .catch(() => {});
  }, PRUNE_EVERY_MS);
  prune.unref();

  return {
    windowMs: config.windowMs,
    async take(resourceId: string, operation: RateLimitedOperation): Promise<RateDecision> {
      const at = now();
      const start = windowStart(at, config.windowMs);
      const limit = config.limits[operation];
      let counted: number;
      try {
        counted =
          (await pool.query({ ...take, values: [resourceId, operation, start, limit] })).rowCount ?? 0;
      } catch (e) {
        throw storageError('count a request', e);
      }
      return counted === 1 ? { allowed: true } : refusal(start, config.windowMs, at, limit);
    },
    async close() {
      clearInterval(prune);
      await pool.end();
    },
  };
}
