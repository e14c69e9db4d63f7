// Plain-TypeScript twins of the indicator kernels, written for clarity, not speed.

function rows(p: ArrayLike<number>, d: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < p.length; i += d) out.push(Array.from({ length: d }, (_, k) => p[i + k]));
  return out;
}

export function igdReference(a: ArrayLike<number>, r: ArrayLike<number>, d: number, plus = false): number {
  const A = rows(a, d), R = rows(r, d);
  const dist = (x: number[], z: number[]) =>
    Math.hypot(...x.map((v, k) => (plus ? Math.max(v - z[k], 0) : v - z[k])));
  return R.reduce((s, z) => s + Math.min(...A.map((x) => dist(x, z))), 0) / R.length;
}

export function epsilonAdditiveReference(a: ArrayLike<number>, r: ArrayLike<number>, d: number): number {
  const A = rows(a, d), R = rows(r, d);
  return Math.max(...R.map((z) => Math.min(...A.map((x) => Math.max(...x.map((v, k) => v - z[k]))))));
}
