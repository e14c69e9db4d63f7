// Exact log marginal likelihood of a GP with constant mean c, Matérn-5/2 ARD kernel times an
// output scale s, and Gaussian noise σ², and its gradient with respect to
//   θ = [c, log ℓ_1 .. log ℓ_d, log s, log σ²]   (length d + 3):
//   LML = -½ (y - c)ᵀ K⁻¹ (y - c) - ½ log|K| - n/2 log 2π,   K = K_f + (σ² + jitter) I,
//   ∂LML/∂c = Σ α,   ∂LML/∂θ_p = ½ tr(W ∂K/∂θ_p),   α = K⁻¹ (y - c),   W = ααᵀ - K⁻¹.
// The gradient needs K⁻¹ = U Uᵀ (U = L⁻ᵀ, computed from the factor); its entries are produced four rows at a
// time and contracted at once with the stored kernel values (output scale) and derivative
// factors (length scales), so K⁻¹ is never stored.
//
// Workspace (f64 units; see gpWorkspaceBytes): K (n*n; lower: Cholesky factor after gpLml, strict
// upper: K_f), U (n*n), G (n*n, strict upper: derivative factors), zt (d*n), alpha (n), invd (n),
// rows (4*n), vbuf (n), invls (d), gl (d), zq (d), hdr (16).
import { cholLower, invTransposeLower, mirrorUpper, solveLower, solveLowerT } from './linalg';
import { buildTrain, scaleTranspose } from './matern';
import { dot, hsum } from './simd';

const LOG_2PI: f64 = 1.83787706640934548356;

// Header slots (f64) of the workspace.
const H_JITTER = 0;
const H_S = 1;
const H_NOISE = 2;
const H_C = 3;
const H_OK = 4;
const H_LOGDET = 5;
const H_FIT = 6;

// @ts-ignore: decorator
@inline
function sq(n: i32): usize {
  return <usize>n * <usize>n;
}

export function gpWorkspaceBytes(n: i32, d: i32): usize {
  return (3 * sq(n) + <usize>d * <usize>n + 8 * <usize>n + 3 * <usize>d + 16) << 3;
}

// Offsets (bytes) of the workspace parts.
// @ts-ignore: decorator
@inline
export function wsK(ws: usize, n: i32): usize {
  return ws;
}
// @ts-ignore: decorator
@inline
export function wsU(ws: usize, n: i32): usize {
  return ws + (sq(n) << 3);
}
// @ts-ignore: decorator
@inline
export function wsG(ws: usize, n: i32): usize {
  return ws + ((2 * sq(n)) << 3);
}
// @ts-ignore: decorator
@inline
export function wsZt(ws: usize, n: i32): usize {
  return ws + ((3 * sq(n)) << 3);
}
// @ts-ignore: decorator
@inline
export function wsAlpha(ws: usize, n: i32, d: i32): usize {
  return wsZt(ws, n) + ((<usize>d * <usize>n) << 3);
}
// @ts-ignore: decorator
@inline
export function wsInvd(ws: usize, n: i32, d: i32): usize {
  return wsAlpha(ws, n, d) + (<usize>n << 3);
}
// @ts-ignore: decorator
@inline
function wsRows(ws: usize, n: i32, d: i32): usize {
  return wsInvd(ws, n, d) + (<usize>n << 3);
}
// @ts-ignore: decorator
@inline
function wsVbuf(ws: usize, n: i32, d: i32): usize {
  return wsRows(ws, n, d) + ((4 * <usize>n) << 3);
}
// @ts-ignore: decorator
@inline
export function wsInvls(ws: usize, n: i32, d: i32): usize {
  return wsVbuf(ws, n, d) + ((2 * <usize>n) << 3);
}
// @ts-ignore: decorator
@inline
function wsGl(ws: usize, n: i32, d: i32): usize {
  return wsInvls(ws, n, d) + (<usize>d << 3);
}
// @ts-ignore: decorator
@inline
function wsZq(ws: usize, n: i32, d: i32): usize {
  return wsGl(ws, n, d) + (<usize>d << 3);
}
// @ts-ignore: decorator
@inline
export function wsHdr(ws: usize, n: i32, d: i32): usize {
  return wsZq(ws, n, d) + (<usize>d << 3);
}

/** Jitter schedule: attempt t (t >= 1) adds meanDiag * 10^(t - 10); attempt 0 adds nothing. */
// @ts-ignore: decorator
@inline
function jitterAt(t: i32, meanDiag: f64): f64 {
  return t == 0 ? 0.0 : meanDiag * Math.pow(10.0, <f64>(t - 10));
}

/**
 * Factor the training kernel matrix for θ and solve for α. Returns the log marginal likelihood,
 * or NaN when the matrix is not positive definite even with the largest jitter of `maxTries`
 * attempts (attempt t >= 1 adds (s + σ²) 10^(t-10) to the diagonal: 1e-9 ... 1e-3 relative for
 * maxTries = 8). The jitter used is in the header (H_JITTER); -1 after a failure.
 * With profileMean != 0 the constant mean is not read from θ[0] but set to its optimum for the
 * other hyperparameters, the generalised least-squares estimate c = 1ᵀK⁻¹y / 1ᵀK⁻¹1 clamped to
 * [meanLo, meanHi], and written back into θ[0]; the LML is then the profile likelihood, whose
 * gradient in the other hyperparameters is the partial one (∂LML/∂c = 0 at the optimum, and c
 * is constant where clamped).
 */
export function gpLml(x: usize, y: usize, n: i32, d: i32, theta: usize, ws: usize, maxTries: i32, profileMean: i32, meanLo: f64, meanHi: f64): f64 {
  const K = wsK(ws, n), G = wsG(ws, n), zt = wsZt(ws, n), alpha = wsAlpha(ws, n, d), invd = wsInvd(ws, n, d);
  const invls = wsInvls(ws, n, d), zq = wsZq(ws, n, d), hdr = wsHdr(ws, n, d), ones = wsRows(ws, n, d);
  let c = load<f64>(theta);
  for (let k = 0; k < d; k++) store<f64>(invls + (<usize>k << 3), Math.exp(-load<f64>(theta + (<usize>(1 + k) << 3))));
  const s = Math.exp(load<f64>(theta + (<usize>(d + 1) << 3)));
  const noise = Math.exp(load<f64>(theta + (<usize>(d + 2) << 3)));
  store<f64>(hdr + (H_S << 3), s);
  store<f64>(hdr + (H_NOISE << 3), noise);
  store<f64>(hdr + (H_OK << 3), 0);
  scaleTranspose(x, n, d, invls, zt);
  buildTrain(zt, n, d, s, s + noise, K, G, zq);
  const rs = <usize>n << 3;
  let jitter = 0.0;
  let ok = false;
  for (let t = 0; t < maxTries; t++) {
    jitter = jitterAt(t, s + noise);
    if (t > 0) {
      mirrorUpper(K, n);
      const dv = s + noise + jitter;
      for (let i = 0; i < n; i++) store<f64>(K + <usize>i * rs + (<usize>i << 3), dv);
    }
    if (cholLower(K, n, invd) == 0) {
      ok = true;
      break;
    }
  }
  if (!ok) {
    store<f64>(hdr + (H_JITTER << 3), -1);
    return NaN;
  }
  store<f64>(hdr + (H_JITTER << 3), jitter);
  // z = L⁻¹ (y - c 1) = L⁻¹ y - c L⁻¹ 1
  memory.copy(alpha, y, <usize>n << 3);
  solveLower(K, n, invd, alpha);
  for (let i = 0; i < n; i++) store<f64>(ones + (<usize>i << 3), 1.0);
  solveLower(K, n, invd, ones);
  if (profileMean != 0) {
    const den = dot(ones, ones, n);
    c = den > 0 ? dot(ones, alpha, n) / den : 0;
    if (c < meanLo) c = meanLo;
    if (c > meanHi) c = meanHi;
    store<f64>(theta, c);
  }
  store<f64>(hdr + (H_C << 3), c);
  let quad = 0.0, logdet = 0.0;
  for (let i = 0; i < n; i++) {
    const io = <usize>i << 3;
    const z = load<f64>(alpha + io) - c * load<f64>(ones + io);
    store<f64>(alpha + io, z);
    quad += z * z;
    logdet -= Math.log(load<f64>(invd + io));
  }
  solveLowerT(K, n, invd, alpha);
  store<f64>(hdr + (H_LOGDET << 3), 2 * logdet);
  store<f64>(hdr + (H_OK << 3), 1);
  return -0.5 * quad - logdet - 0.5 * <f64>n * LOG_2PI;
}

/** The jitter the last gpLml added (-1: it failed). */
export function gpJitter(ws: usize, n: i32, d: i32): f64 {
  return load<f64>(wsHdr(ws, n, d) + (H_JITTER << 3));
}

/**
 * Gradient of the log marginal likelihood at the θ of the last successful gpLml on `ws`
 * into grad (f64[d + 3]). Returns 0, or -1 when the last gpLml failed.
 */
export function gpLmlGrad(n: i32, d: i32, ws: usize, grad: usize): i32 {
  const K = wsK(ws, n), U = wsU(ws, n), G = wsG(ws, n), zt = wsZt(ws, n), alpha = wsAlpha(ws, n, d);
  const invd = wsInvd(ws, n, d), rows = wsRows(ws, n, d), vbuf = wsVbuf(ws, n, d), gl = wsGl(ws, n, d), hdr = wsHdr(ws, n, d);
  if (load<f64>(hdr + (H_OK << 3)) != 1) return -1;
  const s = load<f64>(hdr + (H_S << 3)), noise = load<f64>(hdr + (H_NOISE << 3));
  invTransposeLower(K, n, invd, U);
  const rs = <usize>n << 3;
  for (let k = 0; k < d; k++) store<f64>(gl + (<usize>k << 3), 0);
  let trW = 0.0, wkf = 0.0;
  let ib = 0;
  while (ib < n) {
    const R = min(4, n - ib);
    // rows[a][j] = (K⁻¹)[ib + a][j] = <U_{ib+a}, U_j> over k >= j, for j >= ib.
    if (R == 4) {
      const u0 = U + <usize>ib * rs;
      const u1 = u0 + rs, u2 = u1 + rs, u3 = u2 + rs;
      let j = ib;
      for (; j + 2 <= n; j += 2) {
        const c0 = U + <usize>j * rs, c1 = c0 + rs;
        let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s10 = f64x2.splat(0), s11 = f64x2.splat(0);
        let s20 = f64x2.splat(0), s21 = f64x2.splat(0), s30 = f64x2.splat(0), s31 = f64x2.splat(0);
        const len = n - j;
        const jo = <usize>j << 3;
        let k = 0;
        for (; k + 2 <= len; k += 2) {
          const o = jo + (<usize>k << 3);
          const b0 = v128.load(c0 + o), b1 = v128.load(c1 + o);
          let xv = v128.load(u0 + o);
          s00 = f64x2.add(s00, f64x2.mul(xv, b0));
          s01 = f64x2.add(s01, f64x2.mul(xv, b1));
          xv = v128.load(u1 + o);
          s10 = f64x2.add(s10, f64x2.mul(xv, b0));
          s11 = f64x2.add(s11, f64x2.mul(xv, b1));
          xv = v128.load(u2 + o);
          s20 = f64x2.add(s20, f64x2.mul(xv, b0));
          s21 = f64x2.add(s21, f64x2.mul(xv, b1));
          xv = v128.load(u3 + o);
          s30 = f64x2.add(s30, f64x2.mul(xv, b0));
          s31 = f64x2.add(s31, f64x2.mul(xv, b1));
        }
        let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
        let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
        if (k < len) {
          const o = jo + (<usize>k << 3);
          const b0 = load<f64>(c0 + o), b1 = load<f64>(c1 + o);
          let xs = load<f64>(u0 + o);
          t00 += xs * b0; t01 += xs * b1;
          xs = load<f64>(u1 + o);
          t10 += xs * b0; t11 += xs * b1;
          xs = load<f64>(u2 + o);
          t20 += xs * b0; t21 += xs * b1;
          xs = load<f64>(u3 + o);
          t30 += xs * b0; t31 += xs * b1;
        }
        store<f64>(rows + jo, t00);
        store<f64>(rows + jo, t01, 8);
        store<f64>(rows + rs + jo, t10);
        store<f64>(rows + rs + jo, t11, 8);
        store<f64>(rows + 2 * rs + jo, t20);
        store<f64>(rows + 2 * rs + jo, t21, 8);
        store<f64>(rows + 3 * rs + jo, t30);
        store<f64>(rows + 3 * rs + jo, t31, 8);
      }
      if (j < n) {
        const c0 = U + <usize>j * rs;
        const jo = <usize>j << 3;
        for (let a = 0; a < 4; a++) store<f64>(rows + <usize>a * rs + jo, dot(u0 + <usize>a * rs + jo, c0 + jo, n - j));
      }
    } else {
      for (let a = 0; a < R; a++) {
        const ua = U + <usize>(ib + a) * rs;
        for (let j = ib + a; j < n; j++) {
          const jo = <usize>j << 3;
          store<f64>(rows + <usize>a * rs + jo, dot(ua + jo, U + <usize>j * rs + jo, n - j));
        }
      }
    }
    // Contract the four rows: W_ij = α_i α_j - (K⁻¹)_ij for j >= i.
    for (let a = 0; a < R; a++) {
      const i = ib + a;
      const io = <usize>i << 3;
      const row = rows + <usize>a * rs;
      const ai = load<f64>(alpha + io);
      trW += ai * ai - load<f64>(row + io);
      const krow = K + <usize>i * rs, grow = G + <usize>i * rs;
      const av = f64x2.splat(ai);
      let wk = f64x2.splat(0);
      let j = i + 1;
      for (; j + 2 <= n; j += 2) {
        const jo = <usize>j << 3;
        const w = f64x2.sub(f64x2.mul(av, v128.load(alpha + jo)), v128.load(row + jo));
        wk = f64x2.add(wk, f64x2.mul(w, v128.load(krow + jo)));
        v128.store(vbuf + jo, f64x2.mul(w, v128.load(grow + jo)));
      }
      let wks = hsum(wk);
      if (j < n) {
        const jo = <usize>j << 3;
        const w = ai * load<f64>(alpha + jo) - load<f64>(row + jo);
        wks += w * load<f64>(krow + jo);
        store<f64>(vbuf + jo, w * load<f64>(grow + jo));
      }
      wkf += wks;
      // Length scales: Σ_{j>i} v_j (z_jk - z_ik)².
      for (let k = 0; k < d; k++) {
        const zrow = zt + ((<usize>k * <usize>n) << 3);
        const zi = load<f64>(zrow + io);
        const ziv = f64x2.splat(zi);
        let acc = f64x2.splat(0);
        let jj = i + 1;
        for (; jj + 2 <= n; jj += 2) {
          const jo = <usize>jj << 3;
          const df = f64x2.sub(v128.load(zrow + jo), ziv);
          acc = f64x2.add(acc, f64x2.mul(v128.load(vbuf + jo), f64x2.mul(df, df)));
        }
        let sacc = hsum(acc);
        if (jj < n) {
          const jo = <usize>jj << 3;
          const df = load<f64>(zrow + jo) - zi;
          sacc += load<f64>(vbuf + jo) * df * df;
        }
        const gk = gl + (<usize>k << 3);
        store<f64>(gk, load<f64>(gk) + sacc);
      }
    }
    ib += R;
  }
  let sa = 0.0;
  for (let i = 0; i < n; i++) sa += load<f64>(alpha + (<usize>i << 3));
  store<f64>(grad, sa);
  for (let k = 0; k < d; k++) store<f64>(grad + (<usize>(1 + k) << 3), load<f64>(gl + (<usize>k << 3)));
  store<f64>(grad + (<usize>(d + 1) << 3), wkf + 0.5 * s * trW);
  store<f64>(grad + (<usize>(d + 2) << 3), 0.5 * noise * trW);
  return 0;
}
