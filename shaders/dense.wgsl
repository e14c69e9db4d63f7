// Dense (Linear) layers as tiled GEMMs: C[M×N] = op(A)·op(B) (+ bias, ReLU, + C) with
//   A(i, k) = A[off_a + i·lda + k]  or, with A_TRANS, A[off_a + k·lda + i]  (A stored K×M)
//   B(k, j) = B[off_b + k·ldb + j]  or, with B_TRANS, B[off_b + j·ldb + k]  (B stored N×K)
// For Linear with W [out, in]:  y = x·Wᵀ (B_TRANS),  dx = dy·W (plain),  dW = dyᵀ·x (A_TRANS).
//
// Tiling: a 16×16 workgroup computes a 64×64 tile of C, 4×4 outputs per invocation held in
// registers (rows ty + 16·i, columns tx + 16·j: interleaved so that workgroup-memory reads are
// broadcasts or conflict-free and the global stores of a row are coalesced). K advances in slabs
// of 16: each invocation loads 4 elements of A and 4 of B per slab into registers one slab ahead
// (prefetch overlapping the FMAs of the current slab), then stores them to workgroup memory.
// Operands whose contiguous dimension is K are read 4 consecutive floats per invocation (a
// 64-byte row segment per 4 invocations); operands contiguous along M or N are read one float per
// invocation, 64 consecutive per row. Workgroup rows are padded to 66 floats so that the
// transposing stores hit 32 distinct banks. 2 × 16 × 66 × 4 = 8448 bytes of workgroup memory.
//
// Split-K: with `splits` > 1, workgroup z covers K range [z·k_per_split, (z+1)·k_per_split) and
// writes its partial tile to C + z·split_stride (a workspace); `splitk_reduce` then sums the
// partials in z order (deterministic) and applies the epilogue. This keeps a large GPU busy when
// M and N are small but K is long (e.g. 128×32 outputs over K = 2048).

struct GemmParams {
  m: u32,
  n: u32,
  k: u32,
  lda: u32,
  ldb: u32,
  ldc: u32,
  off_a: u32,
  off_b: u32,
  off_c: u32,
  off_bias: u32,
  k_per_split: u32, // a multiple of BK
  split_stride: u32,
  splits: u32,
  flags: u32, // bit 0: + bias[n], bit 1: + C (accumulate), bit 2: ReLU
}

override A_TRANS: bool = false;
override B_TRANS: bool = false;
override WG: u32 = 256; // splitk_reduce and bias_grad only

const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 16u;
const SA: u32 = 66u; // padded row of the workgroup tiles

const FLAG_BIAS: u32 = 1u;
const FLAG_ACCUMULATE: u32 = 2u;
const FLAG_RELU: u32 = 4u;

@group(0) @binding(0) var<uniform> gm: GemmParams;

@group(0) @binding(1) var<storage, read> mm_a: array<f32>;
@group(0) @binding(2) var<storage, read> mm_b: array<f32>;
@group(0) @binding(3) var<storage, read> mm_bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> mm_c: array<f32>;

var<workgroup> tile_a: array<f32, 1056>; // BK × SA
var<workgroup> tile_b: array<f32, 1056>;

// Slab k0 of A into registers: element r goes to tile_a[slab_ka(t, r) · SA + slab_ma(t)].
fn load_a(t: u32, m0: u32, k0: u32, k_end: u32) -> vec4f {
  var v = vec4f(0.0);
  if (A_TRANS) {
    let i = m0 + t % BM;
    for (var r = 0u; r < 4u; r++) {
      let k = k0 + t / BM + 4u * r;
      if (i < gm.m && k < k_end) { v[r] = mm_a[gm.off_a + k * gm.lda + i]; }
    }
  } else {
    let i = m0 + t / 4u;
    for (var r = 0u; r < 4u; r++) {
      let k = k0 + (t % 4u) * 4u + r;
      if (i < gm.m && k < k_end) { v[r] = mm_a[gm.off_a + i * gm.lda + k]; }
    }
  }
  return v;
}

fn load_b(t: u32, n0: u32, k0: u32, k_end: u32) -> vec4f {
  var v = vec4f(0.0);
  if (B_TRANS) {
    let j = n0 + t / 4u;
    for (var r = 0u; r < 4u; r++) {
      let k = k0 + (t % 4u) * 4u + r;
      if (j < gm.n && k < k_end) { v[r] = mm_b[gm.off_b + j * gm.ldb + k]; }
    }
  } else {
    let j = n0 + t % BN;
    for (var r = 0u; r < 4u; r++) {
      let k = k0 + t / BN + 4u * r;
      if (j < gm.n && k < k_end) { v[r] = mm_b[gm.off_b + k * gm.ldb + j]; }
    }
  }
  return v;
}

fn store_a(t: u32, v: vec4f) {
  for (var r = 0u; r < 4u; r++) {
    if (A_TRANS) {
      tile_a[(t / BM + 4u * r) * SA + t % BM] = v[r];
    } else {
      tile_a[((t % 4u) * 4u + r) * SA + t / 4u] = v[r];
    }
  }
}

fn store_b(t: u32, v: vec4f) {
  for (var r = 0u; r < 4u; r++) {
    if (B_TRANS) {
      tile_b[((t % 4u) * 4u + r) * SA + t / 4u] = v[r];
    } else {
      tile_b[(t / BN + 4u * r) * SA + t % BN] = v[r];
    }
  }
}

fn epilogue(v_in: f32, m: u32, n: u32, c_index: u32) -> f32 {
  var v = v_in;
  if ((gm.flags & FLAG_BIAS) != 0u) { v += mm_bias[gm.off_bias + n]; }
  if ((gm.flags & FLAG_ACCUMULATE) != 0u) { v += mm_c[c_index]; }
  if ((gm.flags & FLAG_RELU) != 0u) { v = max(v, 0.0); }
  return v;
}

@compute @workgroup_size(16, 16)
fn gemm(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let m0 = wid.y * BM;
  let n0 = wid.x * BN;
  let k_begin = wid.z * gm.k_per_split;
  let k_end = min(k_begin + gm.k_per_split, gm.k);
  let tx = lid.x;
  let ty = lid.y;

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);

  var ra = load_a(t, m0, k_begin, k_end);
  var rb = load_b(t, n0, k_begin, k_end);
  for (var k0 = k_begin; k0 < k_end; k0 += BK) {
    store_a(t, ra);
    store_b(t, rb);
    workgroupBarrier();
    if (k0 + BK < k_end) {
      ra = load_a(t, m0, k0 + BK, k_end);
      rb = load_b(t, n0, k0 + BK, k_end);
    }
    for (var kk = 0u; kk < BK; kk++) {
      let pa = kk * SA + ty;
      let pb = kk * SA + tx;
      let a = vec4f(tile_a[pa], tile_a[pa + 16u], tile_a[pa + 32u], tile_a[pa + 48u]);
      let b = vec4f(tile_b[pb], tile_b[pb + 16u], tile_b[pb + 32u], tile_b[pb + 48u]);
      acc0 += a.x * b;
      acc1 += a.y * b;
      acc2 += a.z * b;
      acc3 += a.w * b;
    }
    workgroupBarrier();
  }

  let base = gm.off_c + wid.z * gm.split_stride;
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + ty + 16u * i;
    if (m >= gm.m) { break; }
    var row: vec4f;
    switch i {
      case 0u: { row = acc0; }
      case 1u: { row = acc1; }
      case 2u: { row = acc2; }
      default: { row = acc3; }
    }
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + tx + 16u * j;
      if (n < gm.n) {
        let ci = base + m * gm.ldc + n;
        mm_c[ci] = epilogue(row[j], m, n, ci);
      }
    }
  }
}

// ---- split-K reduction: C[m, n] = epilogue(Σ_z ws[z·M·N + m·N + n]), z in order
@group(0) @binding(1) var<storage, read> sr_ws: array<f32>;
@group(0) @binding(2) var<storage, read> sr_bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> sr_c: array<f32>;

@compute @workgroup_size(WG)
fn splitk_reduce(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  let mn = gm.m * gm.n;
  if (i >= mn) { return; }
  var v = 0.0;
  for (var z = 0u; z < gm.splits; z++) { v += sr_ws[z * mn + i]; }
  let m = i / gm.n;
  let n = i - m * gm.n;
  let ci = gm.off_c + m * gm.ldc + n;
  if ((gm.flags & FLAG_BIAS) != 0u) { v += sr_bias[gm.off_bias + n]; }
  if ((gm.flags & FLAG_ACCUMULATE) != 0u) { v += sr_c[ci]; }
  if ((gm.flags & FLAG_RELU) != 0u) { v = max(v, 0.0); }
  sr_c[ci] = v;
}

// ---- bias gradient: db[n] = Σ_m dy[m, n] (+ db[n] when accumulating). COLS columns per
// workgroup (coalesced along n), WG/COLS row lanes striding over M, then a tree over the lanes;
// few columns (a classifier head) get more row lanes.
override COLS: u32 = 64; // power of two ≤ WG

@group(0) @binding(1) var<storage, read> bg_dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> bg_db: array<f32>;

var<workgroup> bg_red: array<f32, WG>;

@compute @workgroup_size(WG)
fn bias_grad(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let n = wid.x * COLS + t % COLS;
  let lane = t / COLS;
  let lanes = WG / COLS;
  var s = 0.0;
  if (n < gm.n) {
    for (var m = lane; m < gm.m; m += lanes) { s += bg_dy[gm.off_a + m * gm.lda + n]; }
  }
  bg_red[t] = s;
  workgroupBarrier();
  for (var st = lanes / 2u; st > 0u; st >>= 1u) {
    if (lane < st) { bg_red[t] += bg_red[t + st * COLS]; }
    workgroupBarrier();
  }
  if (lane == 0u && n < gm.n) {
    var v = bg_red[t];
    if ((gm.flags & FLAG_ACCUMULATE) != 0u) { v += bg_db[gm.off_c + n]; }
    bg_db[gm.off_c + n] = v;
  }
}
