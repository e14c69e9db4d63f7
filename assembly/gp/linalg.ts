// Dense symmetric positive-definite linear algebra for the GP, row-major n x n f64 matrices at
// raw addresses. The hot loops are dot products of contiguous rows, blocked in registers (4 rows
// x 2 columns of f64x2 accumulators: 6 loads per 8 multiply-adds).
import { dot, hsum } from './simd';

/**
 * Cholesky factorisation A = L Lᵀ in place, row-oriented left-looking (Crout) form: rows are
 * finished four at a time, each entry L[i][j] = (A[i][j] - <L_i[0..j), L_j[0..j)>) / L[j][j]
 * with the four rows sharing the loads of rows j and j+1 of L. Reads and writes the lower
 * triangle (diagonal included) only; the strict upper triangle is left untouched.
 * `invd` (f64[n]) receives 1 / L[i][i].
 * @returns 0 on success, or i + 1 when the pivot of row i is not positive (or NaN)
 */
export function cholLower(a: usize, n: i32, invd: usize): i32 {
  const rs = <usize>n << 3;
  let ib = 0;
  while (ib + 4 <= n) {
    const r0 = a + <usize>ib * rs;
    const r1 = r0 + rs, r2 = r1 + rs, r3 = r2 + rs;
    // Columns j < ib, two at a time (ib is a multiple of 4, so j + 1 < ib).
    for (let j = 0; j < ib; j += 2) {
      const c0 = a + <usize>j * rs, c1 = c0 + rs;
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s10 = f64x2.splat(0), s11 = f64x2.splat(0);
      let s20 = f64x2.splat(0), s21 = f64x2.splat(0), s30 = f64x2.splat(0), s31 = f64x2.splat(0);
      for (let k = 0; k < j; k += 2) {
        const o = <usize>k << 3;
        const b0 = v128.load(c0 + o), b1 = v128.load(c1 + o);
        let x = v128.load(r0 + o);
        s00 = f64x2.add(s00, f64x2.mul(x, b0));
        s01 = f64x2.add(s01, f64x2.mul(x, b1));
        x = v128.load(r1 + o);
        s10 = f64x2.add(s10, f64x2.mul(x, b0));
        s11 = f64x2.add(s11, f64x2.mul(x, b1));
        x = v128.load(r2 + o);
        s20 = f64x2.add(s20, f64x2.mul(x, b0));
        s21 = f64x2.add(s21, f64x2.mul(x, b1));
        x = v128.load(r3 + o);
        s30 = f64x2.add(s30, f64x2.mul(x, b0));
        s31 = f64x2.add(s31, f64x2.mul(x, b1));
      }
      const jo = <usize>j << 3;
      const d0 = load<f64>(invd + jo), d1 = load<f64>(invd + jo, 8);
      const l10 = load<f64>(c1 + jo); // L[j+1][j]
      let v = (load<f64>(r0 + jo) - hsum(s00)) * d0;
      store<f64>(r0 + jo, v);
      store<f64>(r0 + jo, (load<f64>(r0 + jo, 8) - hsum(s01) - v * l10) * d1, 8);
      v = (load<f64>(r1 + jo) - hsum(s10)) * d0;
      store<f64>(r1 + jo, v);
      store<f64>(r1 + jo, (load<f64>(r1 + jo, 8) - hsum(s11) - v * l10) * d1, 8);
      v = (load<f64>(r2 + jo) - hsum(s20)) * d0;
      store<f64>(r2 + jo, v);
      store<f64>(r2 + jo, (load<f64>(r2 + jo, 8) - hsum(s21) - v * l10) * d1, 8);
      v = (load<f64>(r3 + jo) - hsum(s30)) * d0;
      store<f64>(r3 + jo, v);
      store<f64>(r3 + jo, (load<f64>(r3 + jo, 8) - hsum(s31) - v * l10) * d1, 8);
    }
    // The 4 x 4 diagonal block.
    for (let i = ib; i < ib + 4; i++) {
      const bad = cholRowFrom(a, rs, invd, i, ib);
      if (bad != 0) return bad;
    }
    ib += 4;
  }
  for (let i = ib; i < n; i++) {
    const bad = cholRowFrom(a, rs, invd, i, 0);
    if (bad != 0) return bad;
  }
  return 0;
}

/** Finish row i of the factor from column c0 on (columns before c0 already done). */
function cholRowFrom(a: usize, rs: usize, invd: usize, i: i32, c0: i32): i32 {
  const row = a + <usize>i * rs;
  for (let c = c0; c < i; c++) {
    const co = <usize>c << 3;
    const s = dot(row, a + <usize>c * rs, c);
    store<f64>(row + co, (load<f64>(row + co) - s) * load<f64>(invd + co));
  }
  const io = <usize>i << 3;
  const p = load<f64>(row + io) - dot(row, row, i);
  if (!(p > 0) || !isFinite(p)) return i + 1;
  const l = Math.sqrt(p);
  store<f64>(row + io, l);
  store<f64>(invd + io, 1.0 / l);
  return 0;
}

/**
 * U = L^-T (upper triangular, row-major, strict lower triangle set to 0) from the lower factor
 * L in `l` (its strict upper triangle is ignored) and invd = 1 / diag(L). Row a of U solves
 * L x = e_a by forward substitution: U[a][i] = (δ_ai - <L_i[a..i), U_a[a..i)>) / L[i][i];
 * four rows of U at a time share the loads of rows i and i + 1 of L.
 */
export function invTransposeLower(l: usize, n: i32, invd: usize, u: usize): void {
  const rs = <usize>n << 3;
  memory.fill(u, 0, <usize>n * rs);
  let jb = 0;
  while (jb < n) {
    const R = min(4, n - jb);
    // Corner: columns i of the block's own rows.
    for (let i = jb; i < jb + R; i++) {
      const li = l + <usize>i * rs;
      const io = <usize>i << 3;
      const di = load<f64>(invd + io);
      for (let r = jb; r <= i; r++) {
        const ur = u + <usize>r * rs;
        const ro = <usize>r << 3;
        const s = dot(li + ro, ur + ro, i - r);
        store<f64>(ur + io, ((r == i ? 1.0 : 0.0) - s) * di);
      }
    }
    if (R == 4) {
      const u0 = u + <usize>jb * rs;
      const u1 = u0 + rs, u2 = u1 + rs, u3 = u2 + rs;
      const jo = <usize>jb << 3;
      let i = jb + 4;
      for (; i + 2 <= n; i += 2) {
        const li0 = l + <usize>i * rs, li1 = li0 + rs;
        const len = i - jb;
        let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s10 = f64x2.splat(0), s11 = f64x2.splat(0);
        let s20 = f64x2.splat(0), s21 = f64x2.splat(0), s30 = f64x2.splat(0), s31 = f64x2.splat(0);
        let k = 0;
        for (; k + 2 <= len; k += 2) {
          const o = jo + (<usize>k << 3);
          const b0 = v128.load(li0 + o), b1 = v128.load(li1 + o);
          let x = v128.load(u0 + o);
          s00 = f64x2.add(s00, f64x2.mul(x, b0));
          s01 = f64x2.add(s01, f64x2.mul(x, b1));
          x = v128.load(u1 + o);
          s10 = f64x2.add(s10, f64x2.mul(x, b0));
          s11 = f64x2.add(s11, f64x2.mul(x, b1));
          x = v128.load(u2 + o);
          s20 = f64x2.add(s20, f64x2.mul(x, b0));
          s21 = f64x2.add(s21, f64x2.mul(x, b1));
          x = v128.load(u3 + o);
          s30 = f64x2.add(s30, f64x2.mul(x, b0));
          s31 = f64x2.add(s31, f64x2.mul(x, b1));
        }
        let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
        let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
        if (k < len) {
          const o = jo + (<usize>k << 3);
          const b0 = load<f64>(li0 + o), b1 = load<f64>(li1 + o);
          let x = load<f64>(u0 + o);
          t00 += x * b0; t01 += x * b1;
          x = load<f64>(u1 + o);
          t10 += x * b0; t11 += x * b1;
          x = load<f64>(u2 + o);
          t20 += x * b0; t21 += x * b1;
          x = load<f64>(u3 + o);
          t30 += x * b0; t31 += x * b1;
        }
        const io = <usize>i << 3;
        const d0 = load<f64>(invd + io), d1 = load<f64>(invd + io, 8);
        const l10 = load<f64>(li1 + io); // L[i+1][i]
        let v = -t00 * d0;
        store<f64>(u0 + io, v);
        store<f64>(u0 + io, (-t01 - l10 * v) * d1, 8);
        v = -t10 * d0;
        store<f64>(u1 + io, v);
        store<f64>(u1 + io, (-t11 - l10 * v) * d1, 8);
        v = -t20 * d0;
        store<f64>(u2 + io, v);
        store<f64>(u2 + io, (-t21 - l10 * v) * d1, 8);
        v = -t30 * d0;
        store<f64>(u3 + io, v);
        store<f64>(u3 + io, (-t31 - l10 * v) * d1, 8);
      }
      if (i < n) {
        const li = l + <usize>i * rs;
        const io = <usize>i << 3;
        const di = load<f64>(invd + io);
        for (let r = 0; r < 4; r++) {
          const ur = u0 + <usize>r * rs;
          store<f64>(ur + io, -dot(li + jo, ur + jo, i - jb) * di);
        }
      }
    }
    jb += R;
  }
}

/** b <- L^-1 b (forward substitution with the lower factor). */
export function solveLower(l: usize, n: i32, invd: usize, b: usize): void {
  const rs = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const io = <usize>i << 3;
    const s = dot(l + <usize>i * rs, b, i);
    store<f64>(b + io, (load<f64>(b + io) - s) * load<f64>(invd + io));
  }
}

/** b <- L^-T b (backward substitution, column-oriented so that rows of L are read contiguously). */
export function solveLowerT(l: usize, n: i32, invd: usize, b: usize): void {
  const rs = <usize>n << 3;
  for (let i = n - 1; i >= 0; i--) {
    const io = <usize>i << 3;
    const x = load<f64>(b + io) * load<f64>(invd + io);
    store<f64>(b + io, x);
    const row = l + <usize>i * rs;
    const xv = f64x2.splat(x);
    let k = 0;
    for (; k + 2 <= i; k += 2) {
      const o = <usize>k << 3;
      v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(xv, v128.load(row + o))));
    }
    if (k < i) {
      const o = <usize>k << 3;
      store<f64>(b + o, load<f64>(b + o) - x * load<f64>(row + o));
    }
  }
}

/**
 * Copy the strict upper triangle onto the strict lower one (a symmetric matrix from its upper
 * half), in 32 x 32 tiles so that both the rows read and the rows written stay in cache.
 */
export function mirrorUpper(a: usize, n: i32): void {
  const rs = <usize>n << 3;
  const T = 32;
  for (let ib = 0; ib < n; ib += T) {
    const ie = min(n, ib + T);
    for (let jb = ib; jb < n; jb += T) {
      const je = min(n, jb + T);
      for (let i = ib; i < ie; i++) {
        const row = a + <usize>i * rs;
        const io = <usize>i << 3;
        for (let j = max(jb, i + 1); j < je; j++) store<f64>(a + <usize>j * rs + io, load<f64>(row + (<usize>j << 3)));
      }
    }
  }
}
