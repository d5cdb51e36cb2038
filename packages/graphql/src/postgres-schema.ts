import type pg from 'pg';

/** `name` as a quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Creates `schema` if needed and runs `statements` (`CREATE … IF NOT EXISTS`) in one transaction, under the advisory
 * lock that serialises schema creation between gateway instances starting together.
 */
export async function createInSchema(
  pool: pg.Pool,
  schema: string,
  statements: readonly string[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('acs-identity-gateway-schema', 0))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
