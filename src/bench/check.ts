// The correctness checks the suites run before they time anything: a benchmark of a wrong
// answer is worthless, so a disagreement throws and the case is not timed.

/** Throw unless two value lists agree to `rel` relative (absolute `abs` near zero). */
export function checkAgree(what: string, ours: ArrayLike<number>, theirs: ArrayLike<number>, rel = 1e-12, abs = 0): void {
  if (ours.length !== theirs.length) throw new Error(`${what}: ${ours.length} values vs ${theirs.length}`);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i], b = theirs[i];
    if (a !== b && !(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs)) {
      throw new Error(`${what}: value ${i} differs: ${a} vs ${b}`);
    }
  }
}

/** The rows of a row-major set sorted lexicographically: two fronts compared as sets. */
export function sortedRows(pts: ArrayLike<number>, d: number): number[] {
  const rows: number[][] = [];
  for (let i = 0; i < pts.length; i += d) rows.push(Array.from({ length: d }, (_, j) => pts[i + j]));
  rows.sort((x, y) => {
    for (let j = 0; j < d; j++) if (x[j] !== y[j]) return x[j] - y[j];
    return 0;
  });
  return rows.flat();
}
