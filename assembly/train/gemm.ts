// The f32 GEMM core of the CPU trainer: a packed, register-blocked micro-kernel in the style of
// BLIS (Van Zee & van de Geijn 2015), with the packing routines the dense and conv kernels share.
//
// Micro-kernel choice (measured on the target, an AMD EPYC Zen 4 core under V8 11.3 / Node 20,
// packed operands in L1, KC = 256): V8's TurboFan keeps every wasm load in program order and
// schedules the arithmetic late, so all loads of one k step are live at once; with 15 usable xmm
// registers (xmm15 is V8's scratch) a tile fits only when accumulators + B vectors + A
// broadcasts <= 15 (14 for the baseline build, whose mul + add needs one temporary).
//   tile    relaxed (FMA)   baseline (mul+add)   registers
//   4x8       54.8 GF/s        42.4 GF/s          8 + 2 + 4 = 14
//   3x12      55.6             22.2 (spills)      9 + 3 + 3 = 15
//   6x8       27.1             28.8 (spills)      12 + 2 + 6 = 20
//   4x16      34.0             30.5 (spills)      16 + 4 + 4 = 24
// Unrolling k by 2 or 4 doubles the hoisted loads and spills even the 4x8 tile (31 / 28 GF/s).
// So: MR = 4 rows (A broadcast from the packed panel with load32_splat) by NR = 8 columns (two
// v128 of the packed B panel), one k step per iteration. 4 and 8 also divide the channel and
// pixel counts of the networks (16..512 channels, 4x4..16x16 images).
//
// The baseline build is bound by instruction issue (30 instructions per k step: 6 loads, 8 mul,
// 8 add, loop and V8's per-iteration stack check); single-counter or count-down loops measured
// no better. Whole GEMMs and convolutions reach the L1 figures: about 43 GF/s baseline and
// 49-51 GF/s relaxed (the train-kernels suite of `paretonas bench`, src/bench/suites/train.ts).
//
// Packed layouts (floats): an A micro-panel holds MR rows of a kc-long block as [k][MR]; a B
// micro-panel holds NR columns as [k][NR]; rows / columns past the matrix are zeros. Loop order
// in every driver: K blocks of about KC outer, then one B micro-panel (kc x 8 floats = 8 KiB, in
// L1) swept by all A micro-panels of the block (M x kc floats, in the 1 MiB L2).
import { madd } from './simd';

export const MR: i32 = 4;
export const NR: i32 = 8;
/**
 * Target depth of a K block: 4 KiB A + 8 KiB B micro-panels stay in the 32 KiB L1. Measured on
 * the 128→128 8x8 k5 convolution (relaxed): KC = 128 gives 44-46 GF/s, 256 gives 49-51, 512
 * gives 46-48.
 */
export const KC: i32 = 256;

/** How the micro-kernel starts its accumulators. */
export const INIT_ZERO: i32 = 0;
/** from C (a later K block accumulates) */
export const INIT_LOAD: i32 = 1;
/** bias[i] on row i (conv forward: one bias per output channel) */
export const INIT_ROW_BIAS: i32 = 2;
/** bias[j] on column j (dense forward: one bias per output feature) */
export const INIT_COL_BIAS: i32 = 3;

/**
 * Bytes of the edge-tile scratch: the 4x8 tile at +0, 8 bias values at +128, and two tables of
 * 8 column addresses at +192 and +224 for the drivers.
 */
export const TILE_BYTES: usize = 256;

/** Round a byte count up to 16 (every workspace region starts 16-byte aligned). */
// @ts-ignore: decorator
@inline
export function align16(bytes: usize): usize {
  return (bytes + 15) & ~(<usize>15);
}

/**
 * C[0..4][0..8] (rows ldc bytes apart) = init + Σ_k A[k][0..4] ⊗ B[k][0..8] over one packed A
 * micro-panel `a` and one packed B micro-panel `b`, then max(·, 0) when relu != 0.
 * Stores the full tile: callers with a partial tile go through edgeTile.
 */
export function microKernel(kc: i32, a: usize, b: usize, c: usize, ldc: usize, init: i32, bias: usize, relu: i32): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  if (init == INIT_LOAD) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  } else if (init == INIT_ROW_BIAS) {
    c00 = v128.load32_splat(bias); c01 = c00;
    c10 = v128.load32_splat(bias, 4); c11 = c10;
    c20 = v128.load32_splat(bias, 8); c21 = c20;
    c30 = v128.load32_splat(bias, 12); c31 = c30;
  } else if (init == INIT_COL_BIAS) {
    c00 = v128.load(bias); c01 = v128.load(bias, 16);
    c10 = c00; c11 = c01; c20 = c00; c21 = c01; c30 = c00; c31 = c01;
  }
  const end = a + (<usize>kc << 4);
  while (a < end) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let ai = v128.load32_splat(a);
    c00 = madd(ai, b0, c00); c01 = madd(ai, b1, c01);
    ai = v128.load32_splat(a, 4);
    c10 = madd(ai, b0, c10); c11 = madd(ai, b1, c11);
    ai = v128.load32_splat(a, 8);
    c20 = madd(ai, b0, c20); c21 = madd(ai, b1, c21);
    ai = v128.load32_splat(a, 12);
    c30 = madd(ai, b0, c30); c31 = madd(ai, b1, c31);
    a += 16;
    b += 32;
  }
  if (relu) {
    // pmax(v, 0) = v < 0 ? 0 : v, the reference's ReLU exactly (NaN and -0 pass through)
    const z = f32x4.splat(0);
    c00 = f32x4.pmax(c00, z); c01 = f32x4.pmax(c01, z);
    c10 = f32x4.pmax(c10, z); c11 = f32x4.pmax(c11, z);
    c20 = f32x4.pmax(c20, z); c21 = f32x4.pmax(c21, z);
    c30 = f32x4.pmax(c30, z); c31 = f32x4.pmax(c31, z);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/**
 * The bias values of a partial tile (mv rows or nv columns, per init) copied into the
 * zero-padded scratch at tile + 128, so that the micro-kernel's full-width bias loads never read
 * past the caller's array (which may end at the end of memory). Returns the scratch pointer.
 */
export function tileBias(tile: usize, init: i32, bias: usize, mv: i32, nv: i32): usize {
  const bt = tile + 128;
  if (init == INIT_ROW_BIAS || init == INIT_COL_BIAS) {
    v128.store(bt, f32x4.splat(0));
    v128.store(bt, f32x4.splat(0), 16);
    const cnt = init == INIT_ROW_BIAS ? mv : nv;
    for (let t = 0; t < cnt; t++) store<f32>(bt + (<usize>t << 2), load<f32>(bias + (<usize>t << 2)));
  }
  return bt;
}

/**
 * Copy the valid mv x nv part of the scratch tile (rows 32 bytes apart) to C, whose column j of
 * row i lives at load<usize>(cols + 4j) + i·ldc; loading == true copies the other way first.
 */
export function moveTile(tile: usize, cols: usize, ldc: usize, mv: i32, nv: i32, loading: bool): void {
  const c0 = load<usize>(cols);
  if (nv == NR && load<usize>(cols, 28) == c0 + 28) {
    // rows cut short but 8 adjacent columns (a channel count off the tile): whole-row v128 copies
    for (let i = 0; i < mv; i++) {
      const t = tile + (<usize>i << 5), c = c0 + <usize>i * ldc;
      if (loading) {
        v128.store(t, v128.load(c));
        v128.store(t, v128.load(c, 16), 16);
      } else {
        v128.store(c, v128.load(t));
        v128.store(c, v128.load(t, 16), 16);
      }
    }
    return;
  }
  for (let i = 0; i < mv; i++) {
    for (let j = 0; j < nv; j++) {
      const t = tile + (<usize>(i * 8 + j) << 2), c = load<usize>(cols + (<usize>j << 2)) + <usize>i * ldc;
      if (loading) store<f32>(t, load<f32>(c));
      else store<f32>(c, load<f32>(t));
    }
  }
}

/**
 * A partial tile (mv <= 4 rows, nv <= 8 columns): the micro-kernel runs on the scratch tile and
 * only the valid part is gathered / scattered (see moveTile for `cols`), so conv tiles whose
 * pixels straddle two images work too. `bias` points at the tile's first bias value.
 */
export function edgeTile(kc: i32, a: usize, b: usize, cols: usize, ldc: usize, mv: i32, nv: i32, init: i32, bias: usize, relu: i32, tile: usize): void {
  if (init == INIT_LOAD) moveTile(tile, cols, ldc, mv, nv, true);
  const bt = tileBias(tile, init, bias, mv, nv);
  microKernel(kc, a, b, tile, 32, init, bt, relu);
  moveTile(tile, cols, ldc, mv, nv, false);
}

/** Store the 4x4 transpose of rows r0..r3: column t of the rows goes to d + t·stride. */
// @ts-ignore: decorator
@inline
export function transpose4Store(r0: v128, r1: v128, r2: v128, r3: v128, d: usize, stride: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(d, i64x2.shuffle(t0, t2, 0, 2));
  v128.store(d + stride, i64x2.shuffle(t0, t2, 1, 3));
  v128.store(d + 2 * stride, i64x2.shuffle(t1, t3, 0, 2));
  v128.store(d + 3 * stride, i64x2.shuffle(t1, t3, 1, 3));
}

/**
 * Pack rows 0..m of a row-major A (element [i][k] at a + 4(i·lda + k)), columns 0..kc, into
 * micro-panels of MR rows at dst (panel i/4 at dst + 4·i·kc): 4x4 transposes, zero rows past m.
 */
export function packANormal(dst: usize, a: usize, lda: i32, m: i32, kc: i32): void {
  const rowBytes = <usize>lda << 2;
  for (let i0 = 0; i0 < m; i0 += MR) {
    const d = dst + ((<usize>i0 * <usize>kc) << 2);
    const r0 = a + <usize>i0 * rowBytes;
    if (i0 + MR <= m) {
      const r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        transpose4Store(v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o), d + (o << 2), 16);
      }
      for (; k < kc; k++) {
        const o = <usize>k << 2, dd = d + (o << 2);
        store<f32>(dd, load<f32>(r0 + o));
        store<f32>(dd, load<f32>(r1 + o), 4);
        store<f32>(dd, load<f32>(r2 + o), 8);
        store<f32>(dd, load<f32>(r3 + o), 12);
      }
    } else {
      const mv = m - i0;
      for (let k = 0; k < kc; k++) {
        const dd = d + (<usize>k << 4);
        v128.store(dd, f32x4.splat(0));
        for (let i = 0; i < mv; i++) store<f32>(dd + (<usize>i << 2), load<f32>(r0 + <usize>i * rowBytes + (<usize>k << 2)));
      }
    }
  }
}

/**
 * Pack A given as its transpose (element [i][k] at a + 4(k·lda + i)): each k row of a panel is
 * one contiguous v128.
 */
export function packATrans(dst: usize, a: usize, lda: i32, m: i32, kc: i32): void {
  const rowBytes = <usize>lda << 2;
  for (let i0 = 0; i0 < m; i0 += MR) {
    const d = dst + ((<usize>i0 * <usize>kc) << 2);
    let s = a + (<usize>i0 << 2);
    if (i0 + MR <= m) {
      for (let k = 0; k < kc; k++) {
        v128.store(d + (<usize>k << 4), v128.load(s));
        s += rowBytes;
      }
    } else {
      const mv = m - i0;
      for (let k = 0; k < kc; k++) {
        const dd = d + (<usize>k << 4);
        v128.store(dd, f32x4.splat(0));
        for (let i = 0; i < mv; i++) store<f32>(dd + (<usize>i << 2), load<f32>(s + (<usize>i << 2)));
        s += rowBytes;
      }
    }
  }
}

/** Pack nv <= 8 columns of a row-major B (element [k][j] at b + 4(k·ldb + j)), rows 0..kc. */
export function packBNormal(dst: usize, b: usize, ldb: i32, kc: i32, nv: i32): void {
  const rowBytes = <usize>ldb << 2;
  if (nv == NR) {
    for (let k = 0; k < kc; k++) {
      const d = dst + (<usize>k << 5);
      v128.store(d, v128.load(b));
      v128.store(d, v128.load(b, 16), 16);
      b += rowBytes;
    }
  } else {
    for (let k = 0; k < kc; k++) {
      const d = dst + (<usize>k << 5);
      v128.store(d, f32x4.splat(0));
      v128.store(d, f32x4.splat(0), 16);
      for (let j = 0; j < nv; j++) store<f32>(d + (<usize>j << 2), load<f32>(b + (<usize>j << 2)));
      b += rowBytes;
    }
  }
}

/** Pack nv <= 8 columns of B given as its transpose (element [k][j] at b + 4(j·ldb + k)). */
export function packBTrans(dst: usize, b: usize, ldb: i32, kc: i32, nv: i32): void {
  const rowBytes = <usize>ldb << 2;
  if (nv == NR) {
    const r0 = b, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    const r4 = r3 + rowBytes, r5 = r4 + rowBytes, r6 = r5 + rowBytes, r7 = r6 + rowBytes;
    let k = 0;
    for (; k + 4 <= kc; k += 4) {
      const o = <usize>k << 2, d = dst + (<usize>k << 5);
      transpose4Store(v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o), d, 32);
      transpose4Store(v128.load(r4 + o), v128.load(r5 + o), v128.load(r6 + o), v128.load(r7 + o), d + 16, 32);
    }
    for (; k < kc; k++) {
      const o = <usize>k << 2, d = dst + (<usize>k << 5);
      for (let j = 0; j < NR; j++) store<f32>(d + (<usize>j << 2), load<f32>(b + <usize>j * rowBytes + o));
    }
  } else {
    for (let k = 0; k < kc; k++) {
      const o = <usize>k << 2, d = dst + (<usize>k << 5);
      v128.store(d, f32x4.splat(0));
      v128.store(d, f32x4.splat(0), 16);
      for (let j = 0; j < nv; j++) store<f32>(d + (<usize>j << 2), load<f32>(b + <usize>j * rowBytes + o));
    }
  }
}

/** Bytes of scratch gemm needs for C [m x n] = A [m x k] · B [k x n]. */
export function gemmWorkspaceBytes(m: i32, n: i32, k: i32): usize {
  const kc = <usize>max(1, min(k, KC));
  const mp = <usize>((m + MR - 1) & ~(MR - 1));
  return align16(mp * kc * 4) + align16(kc * NR * 4) + TILE_BYTES;
}

/**
 * C = init + A·B (then ReLU), overwriting C [m x n] (row stride ldc floats). A is row-major with
 * stride lda, or given transposed (aTrans: A[i][k] at k·lda + i); likewise B (bTrans: B[k][j] at
 * j·ldb + k). init is INIT_ZERO, INIT_ROW_BIAS or INIT_COL_BIAS (bias then has m or n floats).
 */
export function gemm(
  m: i32, n: i32, k: i32, a: usize, lda: i32, aTrans: bool, b: usize, ldb: i32, bTrans: bool,
  c: usize, ldc: i32, init: i32, bias: usize, relu: i32, ws: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const kcMax = <usize>max(1, min(k, KC));
  const mp = <usize>((m + MR - 1) & ~(MR - 1));
  const apk = ws;
  const bpk = apk + align16(mp * kcMax * 4);
  const tile = bpk + align16(kcMax * NR * 4);
  const cols = tile + 192;
  const ldcBytes = <usize>ldc << 2;
  let pc = 0;
  do {
    const kc = min(KC, k - pc);
    if (aTrans) packATrans(apk, a + ((<usize>pc * <usize>lda) << 2), lda, m, kc);
    else packANormal(apk, a + (<usize>pc << 2), lda, m, kc);
    const mode = pc == 0 ? init : INIT_LOAD;
    const rl = pc + kc >= k ? relu : 0;
    for (let jp = 0; jp < n; jp += NR) {
      const nv = min(NR, n - jp);
      if (bTrans) packBTrans(bpk, b + ((<usize>jp * <usize>ldb + <usize>pc) << 2), ldb, kc, nv);
      else packBNormal(bpk, b + ((<usize>pc * <usize>ldb + <usize>jp) << 2), ldb, kc, nv);
      const colBias = bias + (<usize>jp << 2);
      for (let ip = 0; ip < m; ip += MR) {
        const mv = min(MR, m - ip);
        const bp = mode == INIT_ROW_BIAS ? bias + (<usize>ip << 2) : colBias;
        const ap = apk + ((<usize>ip * <usize>kc) << 2);
        const cp = c + ((<usize>ip * <usize>ldc + <usize>jp) << 2);
        if (mv == MR && nv == NR) {
          microKernel(kc, ap, bpk, cp, ldcBytes, mode, bp, rl);
        } else {
          for (let j = 0; j < nv; j++) store<usize>(cols + (<usize>j << 2), cp + (<usize>j << 2));
          edgeTile(kc, ap, bpk, cols, ldcBytes, mv, nv, mode, bp, rl, tile);
        }
      }
    }
    pc += kc;
  } while (pc < k);
}

/** Bytes of `ws` sgemmPeak needs. */
export function sgemmWorkspaceBytes(m: i32, n: i32, k: i32): usize {
  return gemmWorkspaceBytes(m, n, k);
}

/**
 * C [m x n] = A [m x k] · B [k x n], all row-major and contiguous, overwritten: the GEMM path of
 * the dense and conv kernels with no conv packing, the ceiling of the micro-benchmark.
 */
export function sgemmPeak(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, ws: usize): void {
  gemm(m, n, k, a, k, false, b, n, false, c, n, INIT_ZERO, 0, 0, ws);
}
