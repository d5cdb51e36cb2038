/**
 * A PostgreSQL transaction on a pooled client, optionally under a transaction-scoped advisory lock: the one way the
 * emulator's and the gateway's PostgreSQL stores create their tables and serialise work between instances.
 *
 * Typed structurally, so core does not depend on `pg`: a `pg.Pool` is a {@link TransactionPool}. Annotate the work's
 * parameter (`async (client: pg.PoolClient) => …`) to get `pg`'s own client type inside it.
 */

/** What the transaction needs of a pooled client (a `pg.PoolClient` has it). */
export interface TransactionClient {
  query(text: string, params?: unknown[]): Promise<unknown>;
  /** `true` (or an error) destroys the connection instead of returning it to the pool, as `pg` does. */
  release(destroy?: boolean | Error): void;
}

/** What the transaction needs of a pool (a `pg.Pool` has it). */
export interface TransactionPool<C extends TransactionClient = TransactionClient> {
  connect(): Promise<C>;
}

/**
 * Runs `work` between `BEGIN` and `COMMIT` on a client of `pool`, and resolves what it resolves. When `work` (or
 * `BEGIN`, or `COMMIT`) throws, the transaction is rolled back and the error is rethrown. A failing `ROLLBACK` is not
 * reported (the first error is the one worth reporting), but its connection is destroyed rather than returned to the
 * pool, where it could hand the next caller an aborted transaction. Otherwise the client goes back to the pool.
 */
export async function withTransaction<C extends TransactionClient, T>(
  pool: TransactionPool<C>,
  work: (client: C) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * {@link withTransaction}, with `work` run only once this transaction holds the advisory lock named by `lockKey`
 * (`pg_advisory_xact_lock(hashtextextended(lockKey, 0))`, released by the commit or rollback). Every process that
 * takes the same key waits for the one holding it, so concurrent first starts create a schema once, and concurrent
 * first requests create one record. Keys only need to agree between instances of the same version.
 */
export function withAdvisoryLock<C extends TransactionClient, T>(
  pool: TransactionPool<C>,
  lockKey: string,
  work: (client: C) => Promise<T>,
): Promise<T> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
    return work(client);
  });
}
