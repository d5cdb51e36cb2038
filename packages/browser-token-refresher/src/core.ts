/**
 * The only module that knows where scope parsing, lifetime validation and token reading come from. They are kept tiny
 * and local (the same rules as `@acs-identity/core`'s isomorphic entry) so the bundle stays under its size budget;
 * swapping in core is a change to this file only.
 */

const SCOPES = ['chat', 'voip', 'chat.join', 'chat.join.limited', 'voip.join'];

/**
 * Turns scopes as users write them (`chat`, `chat.join`, `VOIP_JOIN`, any case) into the gateway's GraphQL enum names,
 * without duplicates. Throws a plain `Error` naming the bad scope; the caller wraps it.
 */
export function toScopeEnumNames(scopes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of scopes) {
    const name = String(s).trim().toLowerCase().replace(/_/g, '.');
    if (!SCOPES.includes(name)) throw new Error(`unknown scope "${s}" (valid: ${SCOPES.join(', ')})`);
    out.add(name.toUpperCase().replace(/\./g, '_'));
  }
  if (!out.size) throw new Error('at least one scope is required');
  return [...out];
}

/** Accepts a whole number of minutes in the service's [60, 1440] interval; throws a plain `Error` otherwise. */
export function validateLifetime(minutes: unknown): number {
  if (!Number.isInteger(minutes) || (minutes as number) < 60 || (minutes as number) > 1440) {
    throw new Error(`expiresInMinutes must be a whole number in [60, 1440], got ${minutes}`);
  }
  return minutes as number;
}

/** Reads the `exp` claim of a JWT (no verification) as a millisecond timestamp; throws on anything else. */
export function readTokenExpiry(token: string): number {
  const exp = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))).exp;
  if (typeof exp !== 'number') throw new Error('no exp claim');
  return exp * 1000;
}
