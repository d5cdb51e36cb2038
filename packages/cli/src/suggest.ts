import { distance } from 'fastest-levenshtein';

/** How many edits a typo of a word of this length may have: 1 up to 3 letters, 2 up to 6, then 3. */
function allowedEdits(length: number): number {
  if (length <= 3) return 1;
  return length <= 6 ? 2 : 3;
}

/**
 * The candidate `word` is most likely a typo of, or undefined when none is close: the fewest edits (Levenshtein distance,
 * any case), within what a typo of that length allows; a candidate that starts with `word` (3 letters or more) wins.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const score = typed.length >= 3 && lower.startsWith(typed) ? 0.5 : distance(typed, lower);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return bestScore <= allowedEdits(typed.length) ? best : undefined;
}
