import { withAdvisoryLock } from '@acs-identity/core/server';
import type pg from 'pg';

/** The advisory lock that serialises schema creation between gateway instances. */
const SCHEMA_LOCK_KEY = 'acs-identity-gateway-schema';

/** `name` as a quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Creates `schema` if needed and runs `statements` (`CREATE … IF NOT EXISTS`) in one transaction, under the advisory
 * lock that serialises schema creation between gateway instances starting together.
 */
export function createInSchema(pool: pg.Pool, schema: string, statements: readonly string[]): Promise<void> {
  return withAdvisoryLock(pool, SCHEMA_LOCK_KEY, async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    for (const statement of statements) await client.query(statement);
  });
}
