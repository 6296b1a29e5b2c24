/** "Did you mean …?" suggestions: the closest allowed word by edit distance. */

/** Optimal string alignment distance (Levenshtein plus adjacent transposition: 'chekcs' → 'checks' is 1). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => [i, ...new Array<number>(n).fill(0)]);
  for (let j = 1; j <= n; j++) d[0]![j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/**
 * The candidate closest to `word`, if it is close enough to be a plausible typo: at most a third
 * of the word's length (minimum 1, maximum 3) edits away, ignoring case.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(w.length / 3)));
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const dist = editDistance(w, c.toLowerCase());
    if (dist < bestDist) {
      best = c;
      bestDist = dist;
    }
  }
  return bestDist <= limit ? best : undefined;
}

/** "a, b or c" for messages. */
export function listWords(words: readonly string[], quote = false): string {
  const ws = quote ? words.map((w) => `'${w}'`) : [...words];
  if (ws.length <= 1) return ws.join('');
  return `${ws.slice(0, -1).join(', ')} or ${ws[ws.length - 1]}`;
}
