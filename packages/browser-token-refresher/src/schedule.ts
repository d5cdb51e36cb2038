/** Pure timing rules, kept apart so their bounds can be tested exactly. */

/**
 * Milliseconds to wait before refreshing a token that has `remaining` ms left: until `refreshBefore` ms before expiry,
 * or, with less left than that, half of what remains above the `margin`; then up to `jitter` of that wait earlier.
 */
export function refreshDelay(
  remaining: number,
  refreshBefore: number,
  margin: number,
  jitter: number,
  random: () => number,
): number {
  const wait = remaining >= refreshBefore ? remaining - refreshBefore : (remaining - margin) / 2;
  return Math.max(0, wait * (1 - jitter * random()));
}

/** Delay before retry number `attempt` (1, 2, ...): base * 2^(attempt-1), capped at `max`, then 50-100% of that. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  const d = Math.min(max, base * 2 ** (attempt - 1));
  return d / 2 + (d / 2) * random();
}
