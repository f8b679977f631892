/**
 * Edits (insert, delete, replace, and with `swaps` swap two neighbours) between two strings; `max + 1`
 * when their lengths alone differ by more than `max`.
 */
function distance(a: string, b: string, max: number, swaps = true): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate nearest to a mistyped word, at most `max` edits away (the first of the nearest), if any.
 * Without `swaps`, two swapped neighbours count as two edits.
 */
export function nearest(word: string, candidates: readonly string[], max: number, swaps = true): string | undefined {
  let best: string | undefined;
  // Past the first candidate found, only a nearer one replaces it.
  let bound = max;
  for (const c of candidates) {
    const d = distance(word, c, bound, swaps);
    if (d <= bound) {
      best = c;
      bound = d - 1;
    }
  }
  return best;
}

/**
 * The known ids a mistyped one most likely meant, best first: close in spelling (a few edits, more
 * for longer ids), or containing what was typed after its last `/`. At most `limit`.
 */
export function nearestIds(typed: string, known: readonly string[], limit = 3): string[] {
  const wanted = typed.toLowerCase();
  const tail = wanted.split('/').pop() ?? wanted;
  const max = Math.max(2, Math.floor(wanted.length / 6));
  const scored: Array<{ id: string; score: number }> = [];
  for (const id of known) {
    const lower = id.toLowerCase();
    const d = Math.min(distance(wanted, lower, max), distance(tail, lower.split('/').pop() ?? lower, max));
    if (d <= max) scored.push({ id, score: d });
    else if (tail.length >= 4 && lower.includes(tail)) scored.push({ id, score: max + 1 });
  }
  return scored.sort((a, b) => a.score - b.score || a.id.localeCompare(b.id)).slice(0, limit).map((s) => s.id);
}

/** `; did you mean a, b?` or nothing. */
export function didYouMean(typed: string, known: readonly string[]): string {
  const near = nearestIds(typed, known);
  return near.length ? `; did you mean ${near.join(', ')}?` : '';
}
