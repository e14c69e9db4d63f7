// Plain-TypeScript twin of the crowding-distance kernel (NSGA-II, Deb et al. 2002), written
// for clarity, not speed: per objective, the rows sorted by value (ties by index), the two
// extremes at infinity, every other row adding the gap between its neighbours over the range
// (an objective whose range is 0 adds nothing).

function rows(p: ArrayLike<number>, d: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < p.length; i += d) out.push(Array.from({ length: d }, (_, k) => p[i + k]));
  return out;
}

/** Crowding distance of each row of `p` (n x d); every row is infinite when n <= 2. */
export function crowdingDistanceReference(p: ArrayLike<number>, d: number): number[] {
  const P = rows(p, d);
  const n = P.length;
  const dist = new Array<number>(n).fill(0);
  if (n <= 2) return dist.fill(Infinity);
  for (let k = 0; k < d; k++) {
    const order = P.map((_, i) => i).sort((i, j) => P[i][k] - P[j][k] || i - j);
    const lo = P[order[0]][k], hi = P[order[n - 1]][k];
    if (hi === lo) continue;
    dist[order[0]] = Infinity;
    dist[order[n - 1]] = Infinity;
    for (let i = 1; i < n - 1; i++) dist[order[i]] += (P[order[i + 1]][k] - P[order[i - 1]][k]) / (hi - lo);
  }
  return dist;
}
