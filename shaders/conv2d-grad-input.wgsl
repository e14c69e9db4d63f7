// conv2d-grad-input: dx = dy ⋆ flip(W), the full correlation of dy with the flipped kernel:
// dx[n,ci,h,w] = Σ_{co,kh,kw} dy[n,co,h+kh−p,w+kw−p] · W[co,ci,K−1−kh,K−1−kw]
// (NCHW, stride 1, p = (K−1)/2, so the "full" correlation cropped to H×W is again "same").
//
// The same implicit GEMM as conv2d-forward with the channel roles swapped:
// dX[ci, q] = Σ_r W'[ci, r] · DY[r, q], q = (n,h,w), r = (co,kh,kw), where W' gathers the
// transposed, flipped weights W[co,ci,K−1−kh,K−1−kw] = W_flat[co·Cin·K² + ci·K² + K²−1−(kh·K+kw)]
// and DY is the im2col of dy. TM×TN tile per workgroup (input channels × pixels), 4×4 per
// thread, chunks of TK taps staged in workgroup memory, tap decoding double-buffered.

struct Params {
  n: u32, cin: u32, cout: u32, h: u32,
  w: u32, k: u32, pad: u32, hw: u32,
  kk: u32, red: u32, pixels: u32, tiles_p: u32,
}

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

/** threads along pixels */
override WG_X: u32 = 16u;
/** threads along input channels */
override WG_Y: u32 = 16u;
/** taps per reduction chunk */
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
// per tile column: (offset of dy[n,0,h,w], h, w, offset of dx[n,0,h,w]); h = OUT past the end
var<workgroup> pix: array<vec4i, TN>;
// per tap r = (co,kh,kw), two chunks: (offset of dy[0,co,kh−p,kw−p], kh−p, kw−p,
// offset of W[co,0,K−1−kh,K−1−kw] or −1 past the end)
var<workgroup> taps: array<vec4i, 2u * TK>;

fn pixel_entry(q: u32) -> vec4i {
  if (q >= u.pixels) { return vec4i(0, OUT, OUT, -1); }
  let n = q / u.hw;
  let s = q - n * u.hw;
  let h = s / u.w;
  return vec4i(i32(n * u.cout * u.hw + s), i32(h), i32(s - h * u.w), i32(n * u.cin * u.hw + s));
}

fn tap_entry(r: u32) -> vec4i {
  if (r >= u.red) { return vec4i(0, OUT, OUT, -1); }
  let co = r / u.kk;
  let s = r - co * u.kk;
  let kh = s / u.k;
  let dh = i32(kh) - i32(u.pad);
  let dw = i32(s - kh * u.k) - i32(u.pad);
  return vec4i(i32(co * u.hw) + dh * i32(u.w) + dw, dh, dw, i32(co * u.cin * u.kk + u.kk - 1u - s));
}

fn store_row(ci: u32, tx: u32, acc: vec4f) {
  if (ci >= u.cin) { return; }
  for (var j = 0u; j < RB; j++) {
    let p = pix[tx + j * WG_X];
    if (p.w >= 0) { dx[u32(p.w) + ci * u.hw] = acc[j]; }
  }
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
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
    // flipped weights: consecutive threads read neighbouring taps of one (co, ci) filter
    for (var e = t; e < TM * TK; e += THREADS) {
      let kl = e % TK;
      let ci = m0 + e / TK;
      let off = taps[cur + kl].w;
      var v = 0.0;
      if (ci < u.cin && off >= 0) { v = wt[u32(off) + ci * u.kk]; }
      a_tile[kl * SA + e / TK] = v;
    }
    // im2col of dy: consecutive threads read consecutive pixels of one tap
    for (var e = t; e < TK * TN; e += THREADS) {
      let col = e % TN;
      let kl = e / TN;
      let p = pix[col];
      let tp = taps[cur + kl];
      let ih = p.y + tp.y;
      let iw = p.z + tp.z;
      var v = 0.0;
      if (ih >= 0 && ih < hi && iw >= 0 && iw < wi) { v = dy[u32(p.x + tp.x)]; }
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
