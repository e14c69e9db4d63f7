// Plain-TypeScript twins of the indicator kernels, written for clarity, not speed.

function rows(p: ArrayLike<number>, d: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < p.length; i += d) out.push(Array.from({ length: d }, (_, k) => p[i + k]));
  return out;
}

export function igdRef(a: ArrayLike<number>, r: ArrayLike<number>, d: number, plus = false): number {
  const A = rows(a, d), R = rows(r, d);
  const dist = (x: number[], z: number[]) =>
    Math.hypot(...x.map((v, k) => (plus ? Math.max(v - z[k], 0) : v - z[k])));
  return R.reduce((s, z) => s + Math.min(...A.map((x) => dist(x, z))), 0) / R.length;
}

export function epsilonAdditiveRef(a: ArrayLike<number>, r: ArrayLike<number>, d: number): number {
  const A = rows(a, d), R = rows(r, d);
  return Math.max(...R.map((z) => Math.min(...A.map((x) => Math.max(...x.map((v, k) => v - z[k]))))));
}

export function crowdingDistanceRef(p: ArrayLike<number>, d: number): number[] {
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
