// Matérn-5/2 ARD kernel times an output scale s:
//   k(x, x') = s (1 + √5 r + 5/3 r²) exp(-√5 r),   r² = Σ_k ((x_k - x'_k) / ℓ_k)²,
// and the factor of its length-scale derivatives:
//   ∂k/∂log ℓ_k = g · ((x_k - x'_k) / ℓ_k)²,   g = s (5/3) (1 + √5 r) exp(-√5 r).
// Inputs are scaled once (z = x / ℓ) and stored transposed (coordinate-major, "zt": row k holds
// coordinate k of every point) so that the loops over points run along contiguous memory, two
// points per f64x2.
import { mirrorUpper } from './linalg';
import { expNonPos } from './simd';

const SQRT5: f64 = 2.23606797749978969641;
const FIVE_THIRDS: f64 = 1.66666666666666666667;

/** zt[k][j] = x[j][k] * invls[k] (x: f64[n*d] row-major, invls: f64[d], zt: f64[d*n]). */
export function scaleTranspose(x: usize, n: i32, d: i32, invls: usize, zt: usize): void {
  for (let k = 0; k < d; k++) {
    const f = load<f64>(invls + (<usize>k << 3));
    const row = zt + ((<usize>k * <usize>n) << 3);
    for (let j = 0; j < n; j++) store<f64>(row + (<usize>j << 3), load<f64>(x + ((<usize>j * <usize>d + <usize>k) << 3)) * f);
  }
}

/** Squared scaled distances from point zq (f64[d]) to points j0, j0+1 of zt. */
// @ts-ignore: decorator
@inline
function r2pair(zt: usize, n: i32, d: i32, zq: usize, j0: i32): v128 {
  let acc = f64x2.splat(0);
  const nb = <usize>n << 3;
  let p = zt + (<usize>j0 << 3);
  for (let k = 0; k < d; k++) {
    const diff = f64x2.sub(v128.load(p), f64x2.splat(load<f64>(zq + (<usize>k << 3))));
    acc = f64x2.add(acc, f64x2.mul(diff, diff));
    p += nb;
  }
  return acc;
}

/** As r2pair for one point j0 (both lanes the same). */
// @ts-ignore: decorator
@inline
function r2single(zt: usize, n: i32, d: i32, zq: usize, j0: i32): v128 {
  let acc = f64x2.splat(0);
  const nb = <usize>n << 3;
  let p = zt + (<usize>j0 << 3);
  for (let k = 0; k < d; k++) {
    const diff = f64x2.sub(f64x2.splat(load<f64>(p)), f64x2.splat(load<f64>(zq + (<usize>k << 3))));
    acc = f64x2.add(acc, f64x2.mul(diff, diff));
    p += nb;
  }
  return acc;
}

/** Squared scaled distances from zq to points j0 .. j0+7 of zt, four f64x2 chains at once (into out[0..4)). */
// @ts-ignore: decorator
@inline
function r2oct(zt: usize, n: i32, d: i32, zq: usize, j0: i32, out: usize): void {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  const nb = <usize>n << 3;
  let p = zt + (<usize>j0 << 3);
  for (let k = 0; k < d; k++) {
    const q = v128.load64_splat(zq + (<usize>k << 3));
    const d0 = f64x2.sub(v128.load(p), q);
    const d1 = f64x2.sub(v128.load(p, 16), q);
    const d2 = f64x2.sub(v128.load(p, 32), q);
    const d3 = f64x2.sub(v128.load(p, 48), q);
    a0 = f64x2.add(a0, f64x2.mul(d0, d0));
    a1 = f64x2.add(a1, f64x2.mul(d1, d1));
    a2 = f64x2.add(a2, f64x2.mul(d2, d2));
    a3 = f64x2.add(a3, f64x2.mul(d3, d3));
    p += nb;
  }
  v128.store(out, a0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
}

/**
 * Row of kernel values k(zq, z_j) for j in [0, n) into out (f64[n]); zq is a scaled point (f64[d]).
 */
export function kernelRow(zt: usize, n: i32, d: i32, zq: usize, s: f64, out: usize): void {
  const sv = f64x2.splat(s), r5 = f64x2.splat(SQRT5), c53 = f64x2.splat(FIVE_THIRDS), one = f64x2.splat(1);
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const o = out + (<usize>j << 3);
    r2oct(zt, n, d, zq, j, o);
    for (let t = 0; t < 4; t++) {
      const r2 = v128.load(o + (<usize>t << 4));
      const r = f64x2.sqrt(r2);
      const e = expNonPos(f64x2.neg(f64x2.mul(r5, r)));
      const poly = f64x2.add(f64x2.add(one, f64x2.mul(r5, r)), f64x2.mul(c53, r2));
      v128.store(o + (<usize>t << 4), f64x2.mul(f64x2.mul(sv, poly), e));
    }
  }
  for (; j + 2 <= n; j += 2) {
    const r2 = r2pair(zt, n, d, zq, j);
    const r = f64x2.sqrt(r2);
    const e = expNonPos(f64x2.neg(f64x2.mul(r5, r)));
    const poly = f64x2.add(f64x2.add(one, f64x2.mul(r5, r)), f64x2.mul(c53, r2));
    v128.store(out + (<usize>j << 3), f64x2.mul(f64x2.mul(sv, poly), e));
  }
  if (j < n) {
    const r2 = r2single(zt, n, d, zq, j);
    const r = f64x2.sqrt(r2);
    const e = expNonPos(f64x2.neg(f64x2.mul(r5, r)));
    const poly = f64x2.add(f64x2.add(one, f64x2.mul(r5, r)), f64x2.mul(c53, r2));
    store<f64>(out + (<usize>j << 3), f64x2.extract_lane(f64x2.mul(f64x2.mul(sv, poly), e), 0));
  }
}

/**
 * The training matrices in one pass over the pairs i < j:
 *   kmat: K[i][j] = K[j][i] = k(z_i, z_j), diagonal = `diag` (s + noise + jitter);
 *   gmat: G[i][j] (upper triangle only) = g(z_i, z_j), the length-scale derivative factor.
 * Rows are filled along their upper part (contiguous), then the lower triangle is mirrored in
 * cache blocks. `zq` is scratch f64[d].
 */
export function buildTrain(zt: usize, n: i32, d: i32, s: f64, diag: f64, kmat: usize, gmat: usize, zq: usize): void {
  const rs = <usize>n << 3;
  const sv = f64x2.splat(s), r5 = f64x2.splat(SQRT5), c53 = f64x2.splat(FIVE_THIRDS), one = f64x2.splat(1);
  const gs = f64x2.splat(s * FIVE_THIRDS);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) store<f64>(zq + (<usize>k << 3), load<f64>(zt + ((<usize>k * <usize>n + <usize>i) << 3)));
    const krow = kmat + <usize>i * rs, grow = gmat + <usize>i * rs;
    store<f64>(krow + (<usize>i << 3), diag);
    let j = i + 1;
    for (; j + 8 <= n; j += 8) {
      const jo = <usize>j << 3;
      r2oct(zt, n, d, zq, j, krow + jo);
      for (let t = 0; t < 4; t++) {
        const o = jo + (<usize>t << 4);
        const r2 = v128.load(krow + o);
        const r = f64x2.sqrt(r2);
        const e = expNonPos(f64x2.neg(f64x2.mul(r5, r)));
        const a = f64x2.add(one, f64x2.mul(r5, r));
        v128.store(krow + o, f64x2.mul(f64x2.mul(sv, f64x2.add(a, f64x2.mul(c53, r2))), e));
        v128.store(grow + o, f64x2.mul(f64x2.mul(gs, a), e));
      }
    }
    for (; j + 2 <= n; j += 2) {
      const r2 = r2pair(zt, n, d, zq, j);
      const r = f64x2.sqrt(r2);
      const e = expNonPos(f64x2.neg(f64x2.mul(r5, r)));
      const a = f64x2.add(one, f64x2.mul(r5, r));
      const jo = <usize>j << 3;
      v128.store(krow + jo, f64x2.mul(f64x2.mul(sv, f64x2.add(a, f64x2.mul(c53, r2))), e));
      v128.store(grow + jo, f64x2.mul(f64x2.mul(gs, a), e));
    }
    if (j < n) {
      const r2 = r2single(zt, n, d, zq, j);
      const r = f64x2.sqrt(r2);
      const e = expNonPos(f64x2.neg(f64x2.mul(r5, r)));
      const a = f64x2.add(one, f64x2.mul(r5, r));
      const jo = <usize>j << 3;
      store<f64>(krow + jo, f64x2.extract_lane(f64x2.mul(f64x2.mul(sv, f64x2.add(a, f64x2.mul(c53, r2))), e), 0));
      store<f64>(grow + jo, f64x2.extract_lane(f64x2.mul(f64x2.mul(gs, a), e), 0));
    }
  }
  mirrorUpper(kmat, n);
}
