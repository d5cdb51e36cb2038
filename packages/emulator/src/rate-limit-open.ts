import type { NormalizedOptions } from './options.js';
import { MemoryRateLimiter, type RateLimiter } from './rate-limit.js';
import { askingPrimary } from './rate-limit-cluster.js';

/**
 * Opens the counter of the per-resource budgets the options ask for: none with `rateLimits: false`; with
 * `rateLimitScope: 'shared'` (the default) the PostgreSQL database the instances share, else, in a worker of the
 * package's cluster (`inClusterWorker`), the cluster's primary; otherwise this process' memory. The PostgreSQL counter
 * is loaded only when used, so an emulator on SQLite never loads `pg`.
 */
export async function openRateLimiter(
  o: Pick<NormalizedOptions, 'rateLimits' | 'rateLimitScope' | 'databaseUrl' | 'databaseSchema' | 'now'>,
  inClusterWorker: boolean,
): Promise<RateLimiter | undefined> {
  if (!o.rateLimits) return undefined;
  if (o.rateLimitScope === 'shared' && o.databaseUrl !== undefined) {
    const { createPostgresRateLimiter } = await import('./rate-limit-postgres.js');
    return createPostgresRateLimiter(o.databaseUrl, o.databaseSchema, o.rateLimits, o.now);
  }
  if (o.rateLimitScope === 'shared' && inClusterWorker) return askingPrimary(o.rateLimits, o.now);
  return new MemoryRateLimiter(o.rateLimits, o.now);
}

/** Whether a cluster's primary counts its workers' budgets (shared limits without a shared database). */
export function countedByPrimary(
  o: Pick<NormalizedOptions, 'rateLimits' | 'rateLimitScope' | 'databaseUrl'>,
): boolean {
  return o.rateLimits !== false && o.rateLimitScope === 'shared' && o.databaseUrl === undefined;
}
