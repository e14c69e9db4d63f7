// conv2d-forward: y[n,co,h,w] = b[co] + Σ_{ci,kh,kw} x[n,ci,h+kh−p,w+kw−p] · W[co,ci,kh,kw]
// (NCHW, stride 1, zero "same" padding p = (K−1)/2, weights [Cout,Cin,K,K] as PyTorch).
//
// Implicit GEMM: Y[co, q] = Σ_r W[co, r] · X[r, q] with q = (n,h,w) an output pixel and
// r = (ci,kh,kw) a tap; X is never materialised (im2col happens while staging tiles).
// A workgroup owns a TM×TN tile of Y (channels × pixels); each thread a 4×4 register block
// at rows ty + i·WG_Y and columns tx + j·WG_X (strided, so that the shared-memory reads of a
// warp are consecutive and the global writes are coalesced along pixels). The reduction
// over R = Cin·K² runs in chunks of TK taps staged in workgroup memory.
// Divisions by run-time sizes are kept out of the inner loops: the (n,h,w) of the tile's
// pixels are decoded once per workgroup, and the (ci,kh,kw) of the next chunk's taps are
// decoded by TK threads while the current chunk is being staged (double-buffered table).
// Sizes travel as uniforms; tile sizes are override constants (one pipeline per tiling).

struct Params {
  n: u32, cin: u32, cout: u32, h: u32,
  w: u32, k: u32, pad: u32, hw: u32,
  kk: u32, red: u32, pixels: u32, tiles_p: u32,
}

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

/** threads along output pixels */
override WG_X: u32 = 16u;
/** threads along output channels */
override WG_Y: u32 = 16u;
/** taps per reduction chunk */
override TK: u32 = 16u;

const RB: u32 = 4u; // register block per thread, both ways
override TM: u32 = RB * WG_Y;
override TN: u32 = RB * WG_X;
override THREADS: u32 = WG_X * WG_Y;
// Row strides of the staged tiles, padded by one against bank conflicts of transposed stores.
override SA: u32 = TM + 1u;
override SB: u32 = TN + 1u;

// A coordinate no valid index reaches: out-of-range pixels and taps carry it, so that the
// padding test rejects them without a separate check.
const OUT: i32 = -1048576;

var<workgroup> a_tile: array<f32, TK * SA>;
var<workgroup> b_tile: array<f32, TK * SB>;
// per tile column: (offset of x[n,0,h,w], h, w, offset of y[n,0,h,w]); h = OUT past the end
var<workgroup> pix: array<vec4i, TN>;
// per tap, two chunks: (offset of x[0,ci,kh−p,kw−p] relative to x[0,0,0,0], kh−p, kw−p, r)
var<workgroup> taps: array<vec4i, 2u * TK>;

fn pixel_entry(q: u32) -> vec4i {
  if (q >= u.pixels) { return vec4i(0, OUT, OUT, -1); }
  let n = q / u.hw;
  let s = q - n * u.hw;
  let h = s / u.w;
  return vec4i(i32(n * u.cin * u.hw + s), i32(h), i32(s - h * u.w), i32(n * u.cout * u.hw + s));
}

fn tap_entry(r: u32) -> vec4i {
  if (r >= u.red) { return vec4i(0, OUT, OUT, -1); }
  let ci = r / u.kk;
  let s = r - ci * u.kk;
  let kh = s / u.k;
  let dh = i32(kh) - i32(u.pad);
  let dw = i32(s - kh * u.k) - i32(u.pad);
  return vec4i(i32(ci * u.hw) + dh * i32(u.w) + dw, dh, dw, i32(r));
}

fn store_row(co: u32, tx: u32, acc: vec4f) {
  if (co >= u.cout) { return; }
  let b = bias[co];
  for (var j = 0u; j < RB; j++) {
    let p = pix[tx + j * WG_X];
    if (p.w >= 0) { y[u32(p.w) + co * u.hw] = acc[j] + b; }
  }
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // pixel tiles run along x (folded into z past the per-dimension limit), channel tiles along y
  let tile_p = wid.x + wid.z * nwg.x;
  if (tile_p >= u.tiles_p) { return; }
  let tx = lid.x;
  let ty = lid.y;
  let t = tx + ty * WG_X;
  let q0 = tile_p * TN;
  let m0 = wid.y * TM;

  for (var c = t; c < TN; c += THREADS) { pix[c] = pixel_entry(q0 + c); }
  if (t < TK) { taps[t] = tap_entry(t); }
  workgroupBarrier();

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  let hi = i32(u.h);
  let wi = i32(u.w);
  let chunks = (u.red + TK - 1u) / TK;
  for (var c = 0u; c < chunks; c++) {
    let r0 = c * TK;
    let cur = (c & 1u) * TK;
    // weights: consecutive threads read consecutive taps of one output channel
    for (var e = t; e < TM * TK; e += THREADS) {
      let kl = e % TK;
      let co = m0 + e / TK;
      var v = 0.0;
      if (co < u.cout && r0 + kl < u.red) { v = wt[co * u.red + r0 + kl]; }
      a_tile[kl * SA + e / TK] = v;
    }
    // im2col of x: consecutive threads read consecutive pixels of one tap
    for (var e = t; e < TK * TN; e += THREADS) {
      let col = e % TN;
      let kl = e / TN;
      let p = pix[col];
      let tp = taps[cur + kl];
      let ih = p.y + tp.y;
      let iw = p.z + tp.z;
      var v = 0.0;
      if (ih >= 0 && ih < hi && iw >= 0 && iw < wi) { v = x[u32(p.x + tp.x)]; }
      b_tile[kl * SB + col] = v;
    }
    if (t < TK) { taps[(TK - cur) + t] = tap_entry(r0 + TK + t); }
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

  store_row(m0 + ty, tx, acc0);
  store_row(m0 + ty + WG_Y, tx, acc1);
  store_row(m0 + ty + 2u * WG_Y, tx, acc2);
  store_row(m0 + ty + 3u * WG_Y, tx, acc3);
}
