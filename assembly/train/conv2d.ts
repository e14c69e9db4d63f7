// Convolution (NCHW, weights [Cout, Cin, K, K], stride 1, zero padding (K-1)/2, odd K) as
// implicit GEMMs on the packed 4x8 micro-kernel of ./gemm, the f32 twins of
// src/train/reference/conv2d.ts:
//   forward      y[co, q]     = b[co] + Σ_r W[co, r] · X̂[r, q]       r = (ci, kh, kw), q = (n, h, w)
//   grad-input   dx           = the forward convolution of dy with W'[ci, co, kh, kw] = W[co, ci, K-1-kh, K-1-kw]
//   grad-weight  dW[co, r]    = Σ_q dy[co, q] · X̂[r, q],  db[co] = Σ_q dy[co, q]
// X̂ is the im2col matrix, never materialised: the columns run over all pixels of the batch
// (P = N·H·W), so the 4x4 layers still give 2048-long GEMM rows.
//
// Packing: each block of input channels is first copied into a zero-bordered ("padded") buffer
// of (H+2p) x (W+2p) planes for the images the block of pixels touches; the borders are zeroed
// once per call and never written again. Every im2col element is then pad[pixel offset + tap
// offset] without a bounds test, and four consecutive pixels of one image row are four
// consecutive floats, so panels pack with v128 loads (forward: one load per 4 pixels and tap;
// grad-weight: 4x4 transposes). Layers whose width is not a multiple of 4 take a scalar path.
import {
  MR, NR, KC, INIT_ZERO, INIT_LOAD, INIT_ROW_BIAS, TILE_BYTES,
  align16, microKernel, edgeTile, moveTile, tileBias, transpose4Store, packANormal,
} from './gemm';
import { madd } from './simd';

/** Pixels per column block of the forward / grad-input GEMM (the padded buffer spans them). */
const NC: i32 = 2048;
/** Pixels per K block of the grad-weight GEMM. */
const GW_KC: i32 = 256;
/** Cap on the padded buffer (floats): tiny images with large K shrink the pixel blocks instead. */
const PAD_BUDGET: i32 = 1 << 18;

// @ts-ignore: decorator
@inline
function imagesSpanned(pixels: i32, hw: i32, n: i32): i32 {
  // a run of `pixels` consecutive pixels starting anywhere touches at most this many images
  return min(n, (pixels - 1 + hw - 1) / hw + 1);
}

function channelsPerBlock(srcC: i32, kk: i32, m: i32, hw: i32, hpwp: i32): i32 {
  // whole input channels per K block, so that each channel is copied into the padded buffer
  // once per pixel block and the K loop never splits a channel's taps
  const base = max(1, KC / kk);
  if (m > MR) return min(srcC, base);
  // one row panel (m <= MR, the grad-input of a 3-channel first layer): nothing reuses a B
  // panel, so fewer, longer K blocks save re-reading the C tiles between blocks; up to 4096
  // taps, and as many channels as keep the padded buffer of a 64-pixel block in the budget
  const byPad = <i32>min(<i64>PAD_BUDGET / (<i64>imagesSpanned(64, hw, 0x7fffffff) * <i64>hpwp), <i64>(4096 / kk));
  return min(srcC, max(base, byPad));
}

// The block sizes depend on the image and channel sizes only, never on the batch, and the batch
// only caps them (forward, below; grad-weight: GW_KC and gradWeightChannels): so the workspace a batch needs never exceeds the one of a larger batch (the
// host sizes it for the full batch and may pass a shorter last batch).

function forwardPixelBlock(n: i32, hw: i32, cb: i32, hpwp: i32): i32 {
  let nc = NC;
  while (nc > 64 && <i64>imagesSpanned(nc, hw, 0x7fffffff) * <i64>cb * <i64>hpwp > <i64>PAD_BUDGET) nc >>= 1;
  return min(nc, n * hw);
}

/**
 * Input channels per chunk of the grad-weight GEMM: all of them for the network's layers (a
 * 256-pixel block of 4x4 images needs 17 padded planes per channel); large images or tiny ones
 * with a large K split the channels so that the padded buffer stays within the budget.
 */
function gradWeightChannels(hw: i32, cin: i32, hpwp: i32): i32 {
  const perChannel = <i64>imagesSpanned(GW_KC, hw, 0x7fffffff) * <i64>hpwp;
  return <i32>max(<i64>1, min(<i64>cin, <i64>PAD_BUDGET / perChannel));
}

/** Scratch of the forward GEMM of `srcC` input channels into `m` output channels. */
function forwardBytes(n: i32, srcC: i32, m: i32, h: i32, w: i32, k: i32): usize {
  const kk = k * k, hw = h * w, pad = (k - 1) >> 1;
  const hpwp = (h + 2 * pad) * (w + 2 * pad);
  const cb = channelsPerBlock(srcC, kk, m, hw, hpwp);
  const nc = forwardPixelBlock(n, hw, cb, hpwp);
  const imgs = imagesSpanned(nc, hw, n);
  const mp = <usize>((m + MR - 1) & ~(MR - 1));
  return align16(mp * <usize>(cb * kk) * 4) + align16(<usize>(cb * kk) * NR * 4)
    + align16(<usize>imgs * <usize>cb * <usize>hpwp * 4) + align16(<usize>nc * 4) + TILE_BYTES;
}

function gradWeightBytes(n: i32, cin: i32, cout: i32, h: i32, w: i32, k: i32): usize {
  const kk = k * k, hw = h * w, pad = (k - 1) >> 1;
  const hpwp = (h + 2 * pad) * (w + 2 * pad);
  const kcp = min(GW_KC, n * hw);
  const cg = gradWeightChannels(hw, cin, hpwp);
  const imgs = imagesSpanned(kcp, hw, n);
  const mp = <usize>((cout + MR - 1) & ~(MR - 1));
  const np = <usize>((cg * kk + NR - 1) & ~(NR - 1));
  return align16(mp * <usize>kcp * 4) + align16(<usize>kcp * NR * 4)
    + align16(<usize>imgs * <usize>cg * <usize>hpwp * 4) + align16(<usize>kcp * 4) + align16(np * 4) + TILE_BYTES;
}

/** Bytes of `ws` that conv2dForward, conv2dGradInput and conv2dGradWeight need for this shape. */
export function conv2dWorkspaceBytes(n: i32, cin: i32, cout: i32, h: i32, w: i32, k: i32): usize {
  const f = forwardBytes(n, cin, cout, h, w, k);
  const g = forwardBytes(n, cout, cin, h, w, k);
  const gw = gradWeightBytes(n, cin, cout, h, w, k);
  return max(f, max(g, gw));
}

/** Copy an h x w plane into the interior of a padded plane whose rows are wp floats apart. */
function copyPlane(src: usize, dst: usize, h: i32, w: i32, wp: i32): void {
  const rowBytes = <usize>w << 2, dstRow = <usize>wp << 2;
  const vecBytes = rowBytes & ~(<usize>15);
  for (let y = 0; y < h; y++) {
    let o: usize = 0;
    for (; o < vecBytes; o += 16) v128.store(dst + o, v128.load(src + o));
    for (; o < rowBytes; o += 4) store<f32>(dst + o, load<f32>(src + o));
    src += rowBytes;
    dst += dstRow;
  }
}

/**
 * Whether the 8 pixels of a panel are two runs of 4 adjacent floats in the padded buffer: the
 * offsets grow strictly with the pixel index, so p[j+3] == p[j] + 12 bytes means adjacent.
 */
// @ts-ignore: decorator
@inline
function halvesContiguous(poff: usize, nv: i32): bool {
  return nv == NR && load<i32>(poff, 12) == load<i32>(poff) + 12 && load<i32>(poff, 28) == load<i32>(poff, 16) + 12;
}

/**
 * The micro-kernel of ./gemm with B read straight from the padded buffer instead of a packed
 * panel: pixels b0[0..4] and b1[0..4] at every tap. Used when a single row panel (m <= 4, the
 * grad-input of a 3-channel first layer) would use each packed B element once, so packing it
 * would cost as much as the multiply-adds. `init` as for microKernel (no column bias).
 * Measured on the 3→128 16x16 k5 grad-input (batch 128): 18 → 25 GF/s baseline, 20 → 32 relaxed
 * against pack-then-multiply (3 of the 4 tile rows do useful work there).
 */
function directKernel(a: usize, b0: usize, b1: usize, c: usize, ldc: usize, init: i32, bias: usize, cbb: i32, k: i32, rowBytes: usize, chanBytes: usize): void {
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
  }
  const tapBytes = <usize>k << 2;
  for (let ch = 0; ch < cbb; ch++) {
    for (let kh = 0; kh < k; kh++) {
      const o = <usize>ch * chanBytes + <usize>kh * rowBytes;
      let p0 = b0 + o, p1 = b1 + o;
      const end = p0 + tapBytes;
      while (p0 < end) {
        const v0 = v128.load(p0), v1 = v128.load(p1);
        let ai = v128.load32_splat(a);
        c00 = madd(ai, v0, c00); c01 = madd(ai, v1, c01);
        ai = v128.load32_splat(a, 4);
        c10 = madd(ai, v0, c10); c11 = madd(ai, v1, c11);
        ai = v128.load32_splat(a, 8);
        c20 = madd(ai, v0, c20); c21 = madd(ai, v1, c21);
        ai = v128.load32_splat(a, 12);
        c30 = madd(ai, v0, c30); c31 = madd(ai, v1, c31);
        a += 16;
        p0 += 4;
        p1 += 4;
      }
    }
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/**
 * One B micro-panel of the forward GEMM: rows r = (ci, kh, kw) of the block, columns the nv
 * pixels whose padded byte offsets are at poff[0..nv]: element pad[poff[j] + tap offset].
 */
function packIm2col(dst: usize, padb: usize, poff: usize, nv: i32, cbb: i32, k: i32, wp: i32, hpwp: i32): void {
  const chanBytes = <usize>hpwp << 2, rowBytes = <usize>wp << 2;
  if (halvesContiguous(poff, nv)) {
    const b0 = padb + <usize>load<i32>(poff), b1 = padb + <usize>load<i32>(poff, 16);
    let d = dst;
    for (let c = 0; c < cbb; c++) {
      const co = <usize>c * chanBytes;
      for (let kh = 0; kh < k; kh++) {
        let o = co + <usize>kh * rowBytes;
        for (let kw = 0; kw < k; kw++) {
          v128.store(d, v128.load(b0 + o));
          v128.store(d, v128.load(b1 + o), 16);
          d += 32;
          o += 4;
        }
      }
    }
  } else {
    let d = dst;
    for (let c = 0; c < cbb; c++) {
      const co = <usize>c * chanBytes;
      for (let kh = 0; kh < k; kh++) {
        let o = co + <usize>kh * rowBytes;
        for (let kw = 0; kw < k; kw++) {
          v128.store(d, f32x4.splat(0));
          v128.store(d, f32x4.splat(0), 16);
          for (let j = 0; j < nv; j++) {
            store<f32>(d + (<usize>j << 2), load<f32>(padb + <usize>load<i32>(poff + (<usize>j << 2)) + o));
          }
          d += 32;
          o += 4;
        }
      }
    }
  }
}

/**
 * A block of the grad-input GEMM: rows i = input channel (m of them), columns r = (c, t) over
 * the block's cbb output channels from c0 and the K² taps t, A[i][r] = W[c0+c, i, flipped t].
 * Flipping both kh and kw reverses the tap index: (K-1-kh)·K + (K-1-kw) = K²-1-t.
 */
function packAFlipped(dst: usize, wt: usize, m: i32, c0: i32, cbb: i32, kk: i32): void {
  const kc = cbb * kk;
  for (let i0 = 0; i0 < m; i0 += MR) {
    let d = dst + ((<usize>i0 * <usize>kc) << 2);
    const mv = min(MR, m - i0);
    for (let c = 0; c < cbb; c++) {
      const src = wt + ((<usize>((c0 + c) * m + i0) * <usize>kk + <usize>(kk - 1)) << 2);
      for (let t = 0; t < kk; t++) {
        const s = src - (<usize>t << 2);
        if (mv == MR) {
          const kb = <usize>kk << 2;
          store<f32>(d, load<f32>(s));
          store<f32>(d, load<f32>(s + kb), 4);
          store<f32>(d, load<f32>(s + 2 * kb), 8);
          store<f32>(d, load<f32>(s + 3 * kb), 12);
        } else {
          v128.store(d, f32x4.splat(0));
          for (let i = 0; i < mv; i++) store<f32>(d + (<usize>i << 2), load<f32>(s + ((<usize>i * <usize>kk) << 2)));
        }
        d += 16;
      }
    }
  }
}

/**
 * out[n, i, q] = bias[i] + Σ_{c, taps} A[i][c, tap] · src[n, c, q + tap] over srcC input
 * channels and m output channels: the forward convolution (flip = false, A = W [m, srcC·K²]),
 * or the grad-input one (flip = true, A = W flipped and transposed, no bias).
 */
function convImplicit(src: usize, srcC: i32, m: i32, dst: usize, wt: usize, bias: usize, flip: bool, n: i32, h: i32, w: i32, k: i32, ws: usize): void {
  const kk = k * k, hw = h * w, total = n * hw, pad = (k - 1) >> 1;
  const wp = w + 2 * pad, hpwp = (h + 2 * pad) * wp;
  const cb = channelsPerBlock(srcC, kk, m, hw, hpwp);
  const ncMax = forwardPixelBlock(n, hw, cb, hpwp);
  const imgs = imagesSpanned(ncMax, hw, n);
  const mp = <usize>((m + MR - 1) & ~(MR - 1));
  const kcMax = <usize>(cb * kk);
  const apk = ws;
  const bpk = apk + align16(mp * kcMax * 4);
  const padb = bpk + align16(kcMax * NR * 4);
  const padBytes = <usize>imgs * <usize>cb * <usize>hpwp * 4;
  const poff = padb + align16(padBytes);
  const tile = poff + align16(<usize>ncMax * 4);
  const colsBase = tile + 192, cols = tile + 224;
  if (pad > 0) memory.fill(padb, 0, padBytes);
  const ldcBytes = <usize>hw << 2;
  const slot = cb * hpwp;
  const interior = <usize>(pad * wp + pad) << 2;
  for (let jc = 0; jc < total; jc += ncMax) {
    const nc = min(ncMax, total - jc);
    const n0 = jc / hw, n1 = (jc + nc - 1) / hw;
    pixelOffsets(poff, jc, nc, n0, hw, h, w, wp, slot);
    for (let c0 = 0; c0 < srcC; c0 += cb) {
      const cbb = min(cb, srcC - c0), kc = cbb * kk;
      for (let im = n0; im <= n1; im++) {
        for (let c = 0; c < cbb; c++) {
          copyPlane(
            src + ((<usize>(im * srcC + c0 + c) * <usize>hw) << 2),
            padb + ((<usize>((im - n0) * cb + c) * <usize>hpwp) << 2) + interior, h, w, wp,
          );
        }
      }
      if (flip) packAFlipped(apk, wt, m, c0, cbb, kk);
      else packANormal(apk, wt + ((<usize>c0 * <usize>kk) << 2), srcC * kk, m, kc);
      const mode = c0 > 0 ? INIT_LOAD : bias != 0 ? INIT_ROW_BIAS : INIT_ZERO;
      for (let jp = 0; jp < nc; jp += NR) {
        const nv = min(NR, nc - jp);
        const pj = poff + (<usize>jp << 2);
        const q0 = jc + jp, im0 = q0 / hw, pp0 = q0 - im0 * hw;
        if (m <= MR && halvesContiguous(pj, nv)) {
          // one row panel: multiply straight from the padded buffer
          for (let j = 0; j < NR; j++) {
            const q = q0 + j, im = q / hw;
            store<usize>(cols + (<usize>j << 2), dst + ((<usize>(im * m) * <usize>hw + <usize>(q - im * hw)) << 2));
          }
          if (mode == INIT_LOAD) moveTile(tile, cols, ldcBytes, m, NR, true);
          directKernel(
            apk, padb + <usize>load<i32>(pj), padb + <usize>load<i32>(pj, 16), tile, 32,
            mode, tileBias(tile, mode, bias, m, NR), cbb, k, <usize>wp << 2, <usize>hpwp << 2,
          );
          moveTile(tile, cols, ldcBytes, m, NR, false);
          continue;
        }
        packIm2col(bpk, padb, pj, nv, cbb, k, wp, hpwp);
        // a full panel inside one image is one row segment of every output channel plane
        const direct = nv == NR && pp0 + NR <= hw;
        if (!direct || (m & (MR - 1)) != 0) {
          for (let j = 0; j < nv; j++) {
            const q = q0 + j, im = q / hw;
            store<usize>(colsBase + (<usize>j << 2), dst + ((<usize>(im * m) * <usize>hw + <usize>(q - im * hw)) << 2));
          }
        }
        for (let ip = 0; ip < m; ip += MR) {
          const mv = min(MR, m - ip);
          const ap = apk + ((<usize>ip * <usize>kc) << 2);
          const bp = bias + (<usize>ip << 2);
          if (direct && mv == MR) {
            microKernel(kc, ap, bpk, dst + ((<usize>(im0 * m + ip) * <usize>hw + <usize>pp0) << 2), ldcBytes, mode, bp, 0);
          } else {
            const rowOff = <usize>ip * ldcBytes;
            for (let j = 0; j < nv; j++) store<usize>(cols + (<usize>j << 2), load<usize>(colsBase + (<usize>j << 2)) + rowOff);
            edgeTile(kc, ap, bpk, cols, ldcBytes, mv, nv, mode, bp, 0, tile);
          }
        }
      }
    }
  }
}

/** y = b + conv(x, W): x [n, cin, h, w], wt [cout, cin, k, k], b [cout], y [n, cout, h, w] (overwritten). */
export function conv2dForward(x: usize, wt: usize, b: usize, y: usize, n: i32, cin: i32, cout: i32, h: i32, w: i32, k: i32, ws: usize): void {
  convImplicit(x, cin, cout, y, wt, b, false, n, h, w, k, ws);
}

/** dx [n, cin, h, w] (overwritten) = the adjoint of the forward convolution applied to dy [n, cout, h, w]. */
export function conv2dGradInput(dy: usize, wt: usize, dx: usize, n: i32, cin: i32, cout: i32, h: i32, w: i32, k: i32, ws: usize): void {
  convImplicit(dy, cout, cin, dx, wt, 0, true, n, h, w, k, ws);
}

/** db[co] = Σ_{n, pixels} dy[n, co, ·]: v128 partial sums along each image plane. */
function biasGrad(dy: usize, db: usize, n: i32, cout: i32, hw: i32): void {
  const planeBytes = <usize>hw << 2, vecBytes = planeBytes & ~(<usize>31);
  for (let co = 0; co < cout; co++) {
    let s0 = f32x4.splat(0), s1 = s0;
    let tail: f32 = 0;
    for (let im = 0; im < n; im++) {
      const p = dy + ((<usize>(im * cout + co) * <usize>hw) << 2);
      let o: usize = 0;
      for (; o < vecBytes; o += 32) {
        s0 = f32x4.add(s0, v128.load(p + o));
        s1 = f32x4.add(s1, v128.load(p + o, 16));
      }
      for (; o < planeBytes; o += 4) tail += load<f32>(p + o);
    }
    s0 = f32x4.add(s0, s1);
    store<f32>(db + (<usize>co << 2),
      (f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1)) + (f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3)) + tail);
  }
}

/**
 * A block of the grad-weight GEMM: rows co (m of them), columns the kc pixels from q0,
 * A[co][t] = dy[n, co, p]; four pixels of one image at a time through a 4x4 transpose.
 */
function packDy(dst: usize, dy: usize, m: i32, hw: i32, q0: i32, kc: i32): void {
  const planeBytes = <usize>hw << 2;
  for (let i0 = 0; i0 < m; i0 += MR) {
    const d = dst + ((<usize>i0 * <usize>kc) << 2);
    const mv = min(MR, m - i0);
    let im = q0 / hw, pp = q0 - im * hw, t = 0;
    while (t < kc) {
      const s = dy + ((<usize>(im * m + i0) * <usize>hw + <usize>pp) << 2);
      if (mv == MR && t + 4 <= kc && pp + 4 <= hw) {
        transpose4Store(v128.load(s), v128.load(s + planeBytes), v128.load(s + 2 * planeBytes), v128.load(s + 3 * planeBytes), d + (<usize>t << 4), 16);
        t += 4;
        pp += 4;
      } else {
        const dd = d + (<usize>t << 4);
        v128.store(dd, f32x4.splat(0));
        for (let i = 0; i < mv; i++) store<f32>(dd + (<usize>i << 2), load<f32>(s + <usize>i * planeBytes));
        t++;
        pp++;
      }
      if (pp == hw) { pp = 0; im++; }
    }
  }
}

/**
 * One B micro-panel of the grad-weight GEMM: rows the kc pixels (padded byte offsets at poff),
 * columns 8 taps r (byte offsets at coff): element pad[poff[t] + coff[j]]. Four pixels of one
 * image row are adjacent floats, so each tap gives one v128 and two 4x4 transposes fill 4 rows.
 */
function packIm2colT(dst: usize, padb: usize, poff: usize, coff: usize, kc: i32): void {
  const c0 = <usize>load<i32>(coff), c1 = <usize>load<i32>(coff, 4), c2 = <usize>load<i32>(coff, 8), c3 = <usize>load<i32>(coff, 12);
  const c4 = <usize>load<i32>(coff, 16), c5 = <usize>load<i32>(coff, 20), c6 = <usize>load<i32>(coff, 24), c7 = <usize>load<i32>(coff, 28);
  let t = 0;
  while (t < kc) {
    const pt = poff + (<usize>t << 2);
    const p0 = load<i32>(pt);
    const base = padb + <usize>p0;
    const d = dst + (<usize>t << 5);
    if (t + 4 <= kc && load<i32>(pt, 12) == p0 + 12) {
      transpose4Store(v128.load(base + c0), v128.load(base + c1), v128.load(base + c2), v128.load(base + c3), d, 32);
      transpose4Store(v128.load(base + c4), v128.load(base + c5), v128.load(base + c6), v128.load(base + c7), d + 16, 32);
      t += 4;
    } else {
      store<f32>(d, load<f32>(base + c0));
      store<f32>(d, load<f32>(base + c1), 4);
      store<f32>(d, load<f32>(base + c2), 8);
      store<f32>(d, load<f32>(base + c3), 12);
      store<f32>(d, load<f32>(base + c4), 16);
      store<f32>(d, load<f32>(base + c5), 20);
      store<f32>(d, load<f32>(base + c6), 24);
      store<f32>(d, load<f32>(base + c7), 28);
      t++;
    }
  }
}

/**
 * dw [cout, cin, k, k] and db [cout] (both overwritten) = the gradients of Σ y·dy over the batch:
 * dW[co, r] = Σ_q dy[co, q] · X̂[r, q] as one GEMM (M = cout, N = cin·K², K = N·H·W pixels).
 */
export function conv2dGradWeight(x: usize, dy: usize, dw: usize, db: usize, n: i32, cin: i32, cout: i32, h: i32, w: i32, k: i32, ws: usize): void {
  const kk = k * k, hw = h * w, total = n * hw, pad = (k - 1) >> 1;
  const wp = w + 2 * pad, hpwp = (h + 2 * pad) * wp;
  const ncols = cin * kk;
  const kcp = min(GW_KC, total);
  const cg = gradWeightChannels(hw, cin, hpwp);
  const imgs = imagesSpanned(kcp, hw, n);
  const mp = <usize>((cout + MR - 1) & ~(MR - 1));
  const np = (cg * kk + NR - 1) & ~(NR - 1);
  const apk = ws;
  const bpk = apk + align16(mp * <usize>kcp * 4);
  const padb = bpk + align16(<usize>kcp * NR * 4);
  const padBytes = <usize>imgs * <usize>cg * <usize>hpwp * 4;
  const poff = padb + align16(padBytes);
  const coff = poff + align16(<usize>kcp * 4);
  const tile = coff + align16(<usize>np * 4);
  const cols = tile + 192;
  if (pad > 0) memory.fill(padb, 0, padBytes);
  // byte offset of tap r = (channel in the chunk, kh, kw) from a pixel's top-left tap; the
  // columns past the chunk read tap 0 (their products land in tile columns never stored)
  {
    let r = 0;
    for (let c = 0; c < cg; c++) {
      for (let kh = 0; kh < k; kh++) {
        for (let kw = 0; kw < k; kw++) store<i32>(coff + (<usize>(r++) << 2), (c * hpwp + kh * wp + kw) << 2);
      }
    }
    for (; r < np; r++) store<i32>(coff + (<usize>r << 2), 0);
  }
  biasGrad(dy, db, n, cout, hw);
  const ldcBytes = <usize>ncols << 2;
  const slot = cg * hpwp;
  const interior = <usize>(pad * wp + pad) << 2;
  // channel chunks (one for the network's layers: only large images need several) over pixel
  // blocks; dW columns of a chunk are the contiguous range c0·K² .. (c0 + cgg)·K² of each row
  for (let c0 = 0; c0 < cin; c0 += cg) {
    const cgg = min(cg, cin - c0), chunkCols = cgg * kk;
    const dwChunk = dw + ((<usize>c0 * <usize>kk) << 2);
    for (let q0 = 0; q0 < total; q0 += kcp) {
      const kc = min(kcp, total - q0);
      const n0 = q0 / hw, n1 = (q0 + kc - 1) / hw;
      for (let im = n0; im <= n1; im++) {
        for (let c = 0; c < cgg; c++) {
          copyPlane(x + ((<usize>(im * cin + c0 + c) * <usize>hw) << 2), padb + ((<usize>((im - n0) * cg + c) * <usize>hpwp) << 2) + interior, h, w, wp);
        }
      }
      pixelOffsets(poff, q0, kc, n0, hw, h, w, wp, slot);
      packDy(apk, dy, cout, hw, q0, kc);
      const mode = q0 == 0 ? INIT_ZERO : INIT_LOAD;
      for (let jp = 0; jp < chunkCols; jp += NR) {
        const nv = min(NR, chunkCols - jp);
        packIm2colT(bpk, padb, poff, coff + (<usize>jp << 2), kc);
        for (let ip = 0; ip < cout; ip += MR) {
          const mv = min(MR, cout - ip);
          const ap = apk + ((<usize>ip * <usize>kc) << 2);
          const cp = dwChunk + ((<usize>ip * <usize>ncols + <usize>jp) << 2);
          if (mv == MR && nv == NR) {
            microKernel(kc, ap, bpk, cp, ldcBytes, mode, 0, 0);
          } else {
            for (let j = 0; j < nv; j++) store<usize>(cols + (<usize>j << 2), cp + (<usize>j << 2));
            edgeTile(kc, ap, bpk, cols, ldcBytes, mv, nv, mode, 0, 0, tile);
          }
        }
      }
    }
  }
}

/**
 * poff[j] (i32) = byte offset, in a padded buffer holding images n0, n0+1, ... (`slot` floats
 * each, rows `wp` floats apart), of the top-left tap of pixel `start + j` of the batch, for j in
 * [0, count): the one table both the forward/grad-input and the grad-weight packers read.
 */
function pixelOffsets(poff: usize, start: i32, count: i32, n0: i32, hw: i32, h: i32, w: i32, wp: i32, slot: i32): void {
  let nn = n0, rem = start - n0 * hw;
  let oh = rem / w, ow = rem - oh * w;
  for (let j = 0; j < count; j++) {
    store<i32>(poff + (<usize>j << 2), ((nn - n0) * slot + oh * wp + ow) << 2);
    if (++ow == w) {
      ow = 0;
      if (++oh == h) { oh = 0; nn++; }
    }
  }
}
