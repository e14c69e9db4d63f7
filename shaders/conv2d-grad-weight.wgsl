// conv2d-grad-weight: dW[co,ci,kh,kw] = Σ_{n,h,w} dy[n,co,h,w] · x[n,ci,h+kh−p,w+kw−p]
// (NCHW, stride 1, p = (K−1)/2, dW laid out [Cout,Cin,K,K] as PyTorch).
//
// Implicit GEMM with the reduction over the N·H·W pixels: dW[co, r] = Σ_q DY[co, q] · X[r, q],
// r = (ci,kh,kw), q = (n,h,w), X the im2col of x (never materialised). A workgroup owns a
// TM×TN tile of dW (output channels × taps), each thread a 4×4 register block; pixels are
// staged TK at a time in workgroup memory, both operands read along pixels (coalesced) and
// stored transposed into padded rows. dW has few tiles (Cout·Cin·K² is small next to N·H·W),
// so the pixel range is split into `splits` slices along z, each writing its own partial
// dW into part[s] — dW itself when splits = 1, else conv2d-grad-weight-reduce adds the
// slices in a fixed order, which keeps the result deterministic.
// The taps of the tile's columns are decoded once per workgroup; the (n,h,w) of the next
// chunk's pixels are decoded by TK threads while the current chunk is staged.

struct Params {
  n: u32, cin: u32, cout: u32, h: u32,
  w: u32, k: u32, pad: u32, hw: u32,
  kk: u32, red: u32, pixels: u32, tiles_r: u32,
  per_split: u32, splits: u32, _pad0: u32, _pad1: u32,
}

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> part: array<f32>;

/** threads along taps (columns of dW) */
override WG_X: u32 = 16u;
/** threads along output channels */
override WG_Y: u32 = 16u;
/** pixels per reduction chunk */
override TK: u32 = 16u;

const RB: u32 = 4u;
override TM: u32 = RB * WG_Y;
override TN: u32 = RB * WG_X;
override THREADS: u32 = WG_X * WG_Y;
override SA: u32 = TM + 1u;
override SB: u32 = TN + 1u;

const OUT: i32 = -1048576;

var<workgroup> a_tile: array<f32, TK * SA>;
var<workgroup> b_tile: array<f32, TK * SB>;
// per tile column r = (ci,kh,kw): (offset of x[0,ci,kh−p,kw−p], kh−p, kw−p, r); kh−p = OUT past the end
var<workgroup> taps: array<vec4i, TN>;
// per pixel, two chunks: (offset of x[n,0,h,w], h, w, offset of dy[n,0,h,w]); h = OUT past the slice
var<workgroup> pix: array<vec4i, 2u * TK>;

fn tap_entry(r: u32) -> vec4i {
  if (r >= u.red) { return vec4i(0, OUT, OUT, -1); }
  let ci = r / u.kk;
  let s = r - ci * u.kk;
  let kh = s / u.k;
  let dh = i32(kh) - i32(u.pad);
  let dw = i32(s - kh * u.k) - i32(u.pad);
  return vec4i(i32(ci * u.hw) + dh * i32(u.w) + dw, dh, dw, i32(r));
}

fn pixel_entry(q: u32, end: u32) -> vec4i {
  if (q >= end) { return vec4i(0, OUT, OUT, -1); }
  let n = q / u.hw;
  let s = q - n * u.hw;
  let h = s / u.w;
  return vec4i(i32(n * u.cin * u.hw + s), i32(h), i32(s - h * u.w), i32(n * u.cout * u.hw + s));
}

fn store_row(base: u32, co: u32, tx: u32, acc: vec4f) {
  if (co >= u.cout) { return; }
  for (var j = 0u; j < RB; j++) {
    let r = taps[tx + j * WG_X].w;
    if (r >= 0) { part[base + co * u.red + u32(r)] = acc[j]; }
  }
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let tx = lid.x;
  let ty = lid.y;
  let t = tx + ty * WG_X;
  let n0 = wid.x * TN;
  let m0 = wid.y * TM;
  let begin = wid.z * u.per_split;
  let end = max(begin, min(u.pixels, begin + u.per_split)); // slices past the end are empty

  for (var c = t; c < TN; c += THREADS) { taps[c] = tap_entry(n0 + c); }
  if (t < TK) { pix[t] = pixel_entry(begin + t, end); }
  workgroupBarrier();

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  let hi = i32(u.h);
  let wi = i32(u.w);
  let chunks = (end - begin + TK - 1u) / TK;
  for (var c = 0u; c < chunks; c++) {
    let cur = (c & 1u) * TK;
    // dy: consecutive threads read consecutive pixels of one output channel
    for (var e = t; e < TM * TK; e += THREADS) {
      let kl = e % TK;
      let co = m0 + e / TK;
      let p = pix[cur + kl];
      var v = 0.0;
      if (co < u.cout && p.w >= 0) { v = dy[u32(p.w) + co * u.hw]; }
      a_tile[kl * SA + e / TK] = v;
    }
    // im2col of x: consecutive threads read consecutive pixels of one tap
    for (var e = t; e < TK * TN; e += THREADS) {
      let kl = e % TK;
      let col = e / TK;
      let p = pix[cur + kl];
      let tp = taps[col];
      let ih = p.y + tp.y;
      let iw = p.z + tp.z;
      var v = 0.0;
      if (ih >= 0 && ih < hi && iw >= 0 && iw < wi) { v = x[u32(p.x + tp.x)]; }
      b_tile[kl * SB + col] = v;
    }
    if (t < TK) { pix[(TK - cur) + t] = pixel_entry(begin + (c + 1u) * TK + t, end); }
    workgroupBarrier();
    for (var kl = 0u; kl < TK; kl++) {
      let ia = kl * SA + ty;
      let ib = kl * SB + tx;
      let a = vec4f(a_tile[ia], a_tile[ia + WG_Y], a_tile[ia + 2u * WG_Y], a_tile[ia + 3u * WG_Y]);
      let b = vec4f(b_tile[ib], b_tile[ib + WG_X], b_tile[ib + 2u * WG_X], b_tile[ib + 3u * WG_X]);
      acc0 += a.x * b;
      acc1 += a.y * b;
      acc2 += a.z * b;
      acc3 += a.w * b;
    }
    workgroupBarrier();
  }

  let base = wid.z * u.cout * u.red;
  store_row(base, m0 + ty, tx, acc0);
  store_row(base, m0 + ty + WG_Y, tx, acc1);
  store_row(base, m0 + ty + 2u * WG_Y, tx, acc2);
  store_row(base, m0 + ty + 3u * WG_Y, tx, acc3);
}
