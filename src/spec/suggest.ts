/**
 * "Did you mean" for unknown keys. Manifests written after Flyte's Python SDK use snake_case
 * (`scaledown_after`, `requires_auth`), so a key is first folded to camelCase and compared
 * without regard to case; failing that, the closest known key within a small edit distance
 * (`replica` -> `replicas`, `concurency` -> `concurrency`) is offered.
 */

/** `scaledown_after` and `scaledown-after` -> `scaledownAfter`. */
export function camelCase(key: string): string {
  return key.replace(/[-_]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[-_]+$/, "");
}

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbours
 * (optimal string alignment), so "nmae" is 1 from "name". Distances above `max` read max + 1.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known key the user most likely meant, or undefined. Allowed distance grows with the key:
 * 1 edit up to 4 characters, 2 up to 8, then 3.
 */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const folded = camelCase(key).toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === folded);
  if (exact !== undefined) return exact;
  const max = folded.length <= 4 ? 1 : folded.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const k of known) {
    const d = editDistance(folded, k.toLowerCase(), max);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}
