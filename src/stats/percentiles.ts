/** Linear interpolation between closest ranks (R's type 7, numpy's default) on sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? NaN;
  const b = sorted[Math.min(lo + 1, n - 1)] ?? NaN;
  return a + (h - lo) * (b - a);
}
