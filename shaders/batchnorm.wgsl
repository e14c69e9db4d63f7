// BatchNorm2d over NCHW float32 activations, PyTorch semantics (training: batch statistics over
// (N, H, W) per channel, biased variance to normalise, unbiased variance into the running
// estimate; evaluation: running statistics).
//
// Reductions are deterministic: each channel's M = N·H·W elements are cut into P contiguous
// chunks, one workgroup per (chunk, channel) reduces its chunk with a fixed-shape tree in
// workgroup memory, and a per-channel pass merges the P partial results in chunk order
// (Chan et al.'s pairwise update for mean and M2, so no catastrophic cancellation in
// E[x²] − E[x]²). Splitting M over P workgroups keeps a large GPU busy when C is small.
//
// Per-channel coefficients `coef` (vec4 per channel): (mean, invstd, γ·invstd, β); the training
// forward saves them for the backward pass.
// Workspace (f32): [0, 3·C·P) forward partials (count, mean, M2) / backward partials (Σdy,
// Σdy·(x−mean)); [off_bcoef, off_bcoef + 4·C) backward coefficients.

struct BnParams {
  n: u32,
  c: u32,
  hw: u32,
  m: u32,            // n·hw, elements per channel
  parts: u32,        // P
  chunk: u32,        // elements per partial
  total: u32,        // n·c·hw
  update_running: u32,
  off_gamma: u32,
  off_beta: u32,
  off_rmean: u32,
  off_rvar: u32,
  off_dgamma: u32,
  off_dbeta: u32,
  off_bcoef: u32,
  eps: f32,
  momentum: f32,
}

override WG: u32 = 256; // a power of two (tree reductions)

@group(0) @binding(0) var<uniform> bn: BnParams;

var<workgroup> red_a: array<f32, WG>;
var<workgroup> red_b: array<f32, WG>;

// Walks the elements e = first, first + WG, ... of channel c in NCHW without a division per
// element: (n, s) = divmod(e, hw) advances by divmod(WG, hw).
struct Cursor {
  n: u32,
  s: u32,
  dn: u32,
  ds: u32,
}

fn cursor(first: u32) -> Cursor {
  let n = first / bn.hw;
  let dn = WG / bn.hw;
  return Cursor(n, first - n * bn.hw, dn, WG - dn * bn.hw);
}

fn cursor_addr(k: Cursor, c: u32) -> u32 {
  return (k.n * bn.c + c) * bn.hw + k.s;
}

fn cursor_next(k: Cursor) -> Cursor {
  var r = Cursor(k.n + k.dn, k.s + k.ds, k.dn, k.ds);
  if (r.s >= bn.hw) {
    r.s -= bn.hw;
    r.n += 1u;
  }
  return r;
}

fn tree_a(lid: u32) {
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red_a[lid] += red_a[lid + s]; }
    workgroupBarrier();
  }
}

fn tree_ab(lid: u32) {
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      red_a[lid] += red_a[lid + s];
      red_b[lid] += red_b[lid + s];
    }
    workgroupBarrier();
  }
}

// ---- training forward, pass 1: per (chunk, channel) count, mean and M2 (two passes over the chunk)
@group(0) @binding(1) var<storage, read> sp_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> sp_ws: array<f32>;

@compute @workgroup_size(WG)
fn stats_partial(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let p = wid.x;
  let c = wid.y;
  let start = p * bn.chunk;
  let end = min(start + bn.chunk, bn.m);
  var s = 0.0;
  var k = cursor(start + lid);
  for (var e = start + lid; e < end; e += WG) {
    s += sp_x[cursor_addr(k, c)];
    k = cursor_next(k);
  }
  red_a[lid] = s;
  workgroupBarrier();
  tree_a(lid);
  let cnt = f32(max(end, start) - start);
  let mean = select(0.0, red_a[0] / cnt, cnt > 0.0);
  workgroupBarrier();
  var q = 0.0;
  k = cursor(start + lid);
  for (var e = start + lid; e < end; e += WG) {
    let d = sp_x[cursor_addr(k, c)] - mean;
    q += d * d;
    k = cursor_next(k);
  }
  red_a[lid] = q;
  workgroupBarrier();
  tree_a(lid);
  if (lid == 0u) {
    let o = (c * bn.parts + p) * 3u;
    sp_ws[o] = cnt;
    sp_ws[o + 1u] = mean;
    sp_ws[o + 2u] = red_a[0];
  }
}

// ---- training forward, pass 2: one invocation per channel merges the partials in order,
// writes the coefficients and updates the running estimates. γ and β share one buffer (at
// offsets), the running mean and variance another: WebGPU forbids binding overlapping ranges of
// one buffer twice when either is writable.
@group(0) @binding(1) var<storage, read> sf_ws: array<f32>;
@group(0) @binding(2) var<storage, read> sf_weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> sf_running: array<f32>;
@group(0) @binding(4) var<storage, read_write> sf_coef: array<vec4f>;

@compute @workgroup_size(WG)
fn stats_finalize(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= bn.c) { return; }
  var cnt = 0.0;
  var mean = 0.0;
  var m2 = 0.0;
  for (var p = 0u; p < bn.parts; p++) {
    let o = (c * bn.parts + p) * 3u;
    let nb = sf_ws[o];
    if (nb > 0.0) {
      let tot = cnt + nb;
      let d = sf_ws[o + 1u] - mean;
      mean += d * (nb / tot);
      m2 += sf_ws[o + 2u] + d * d * (cnt * nb / tot);
      cnt = tot;
    }
  }
  let m = f32(bn.m);
  let invstd = inverseSqrt(m2 / m + bn.eps);
  let g = sf_weights[bn.off_gamma + c];
  sf_coef[c] = vec4f(mean, invstd, g * invstd, sf_weights[bn.off_beta + c]);
  if (bn.update_running != 0u) {
    // PyTorch: the running variance takes the unbiased batch variance (M − 1 divisor).
    let unbiased = select(m2 / m, m2 / (m - 1.0), bn.m > 1u);
    let k = bn.momentum;
    sf_running[bn.off_rmean + c] = (1.0 - k) * sf_running[bn.off_rmean + c] + k * mean;
    sf_running[bn.off_rvar + c] = (1.0 - k) * sf_running[bn.off_rvar + c] + k * unbiased;
  }
}

// ---- evaluation: coefficients from the running estimates
@group(0) @binding(1) var<storage, read> ec_weights: array<f32>;
@group(0) @binding(2) var<storage, read> ec_running: array<f32>;
@group(0) @binding(3) var<storage, read_write> ec_coef: array<vec4f>;

@compute @workgroup_size(WG)
fn eval_coeffs(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= bn.c) { return; }
  let invstd = inverseSqrt(ec_running[bn.off_rvar + c] + bn.eps);
  ec_coef[c] = vec4f(ec_running[bn.off_rmean + c], invstd, ec_weights[bn.off_gamma + c] * invstd, ec_weights[bn.off_beta + c]);
}

// ---- forward, element-wise: y = (x − mean)·γ·invstd + β. Each invocation takes 4 consecutive
// elements and divides once to find their channel (one u32 division costs ~20 instructions on
// GPUs, comparable to the memory time of an element in this memory-bound pass).
@group(0) @binding(1) var<storage, read> ap_x: array<f32>;
@group(0) @binding(2) var<storage, read> ap_coef: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> ap_y: array<f32>;

// (plane offset s, channel c) of element i0.
fn plane_pos(i0: u32) -> vec2u {
  let plane = i0 / bn.hw;
  return vec2u(i0 - plane * bn.hw, plane % bn.c);
}

@compute @workgroup_size(WG)
fn apply(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i0 = 4u * linear_index(gid, nwg, WG);
  if (i0 >= bn.total) { return; }
  var pos = plane_pos(i0);
  var k = ap_coef[pos.y];
  for (var i = i0; i < min(i0 + 4u, bn.total); i++) {
    if (pos.x == bn.hw) {
      pos = vec2u(0u, select(pos.y + 1u, 0u, pos.y + 1u == bn.c));
      k = ap_coef[pos.y];
    }
    ap_y[i] = (ap_x[i] - k.x) * k.z + k.w;
    pos.x += 1u;
  }
}

// ---- backward, pass 1: per (chunk, channel) Σdy and Σdy·(x − mean)
@group(0) @binding(1) var<storage, read> bp_x: array<f32>;
@group(0) @binding(2) var<storage, read> bp_dy: array<f32>;
@group(0) @binding(3) var<storage, read> bp_coef: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> bp_ws: array<f32>;

@compute @workgroup_size(WG)
fn backward_partial(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let p = wid.x;
  let c = wid.y;
  let mean = bp_coef[c].x;
  let start = p * bn.chunk;
  let end = min(start + bn.chunk, bn.m);
  var s1 = 0.0;
  var s2 = 0.0;
  var k = cursor(start + lid);
  for (var e = start + lid; e < end; e += WG) {
    let a = cursor_addr(k, c);
    let g = bp_dy[a];
    s1 += g;
    s2 += g * (bp_x[a] - mean);
    k = cursor_next(k);
  }
  red_a[lid] = s1;
  red_b[lid] = s2;
  workgroupBarrier();
  tree_ab(lid);
  if (lid == 0u) {
    let o = (c * bn.parts + p) * 2u;
    bp_ws[o] = red_a[0];
    bp_ws[o + 1u] = red_b[0];
  }
}

// ---- backward, pass 2: per channel dβ = Σdy, dγ = invstd·Σdy·(x − mean), and the coefficients
// of dx = a·dy − k·(x − mean) − d with a = γ·invstd, k = a·invstd·dγ/M, d = a·dβ/M.
@group(0) @binding(1) var<storage, read_write> bf_ws: array<f32>;
@group(0) @binding(2) var<storage, read> bf_coef: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> bf_grads: array<f32>;

@compute @workgroup_size(WG)
fn backward_finalize(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= bn.c) { return; }
  var s1 = 0.0;
  var s2 = 0.0;
  for (var p = 0u; p < bn.parts; p++) {
    let o = (c * bn.parts + p) * 2u;
    s1 += bf_ws[o];
    s2 += bf_ws[o + 1u];
  }
  let k = bf_coef[c];
  let invstd = k.y;
  let dgamma = s2 * invstd;
  bf_grads[bn.off_dgamma + c] = dgamma;
  bf_grads[bn.off_dbeta + c] = s1;
  let a = k.z; // γ·invstd
  let m = f32(bn.m);
  let o = bn.off_bcoef + 4u * c;
  bf_ws[o] = a;
  bf_ws[o + 1u] = a * invstd * dgamma / m;
  bf_ws[o + 2u] = a * s1 / m;
  bf_ws[o + 3u] = k.x;
}

// ---- backward, pass 3, element-wise dx (4 consecutive elements per invocation, as apply)
@group(0) @binding(1) var<storage, read> ba_x: array<f32>;
@group(0) @binding(2) var<storage, read> ba_dy: array<f32>;
@group(0) @binding(3) var<storage, read> ba_ws: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> ba_dx: array<f32>;

@compute @workgroup_size(WG)
fn backward_apply(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i0 = 4u * linear_index(gid, nwg, WG);
  if (i0 >= bn.total) { return; }
  let base = bn.off_bcoef / 4u;
  var pos = plane_pos(i0);
  var k = ba_ws[base + pos.y];
  for (var i = i0; i < min(i0 + 4u, bn.total); i++) {
    if (pos.x == bn.hw) {
      pos = vec2u(0u, select(pos.y + 1u, 0u, pos.y + 1u == bn.c));
      k = ba_ws[base + pos.y];
    }
    ba_dx[i] = k.x * ba_dy[i] - k.y * (ba_x[i] - k.w) - k.z;
    pos.x += 1u;
  }
}
