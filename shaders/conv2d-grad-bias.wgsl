// conv2d-grad-bias: db[co] = Σ_{n,h,w} dy[n,co,h,w] (NCHW).
// One workgroup per output channel (a 2-D grid past 65535): each thread sums a strided
// subset of the N·H·W pixels (consecutive threads, consecutive pixels), then a tree
// reduction in workgroup memory. Fixed order throughout, so the result is deterministic.

struct Params {
  cout: u32, hw: u32, pixels: u32, _pad0: u32,
}

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;

/** threads per workgroup (a power of two) */
override WG: u32 = 256u;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let co = wid.x + wid.y * nwg.x;
  if (co >= u.cout) { return; }
  let t = lid.x;
  var s = 0.0;
  for (var q = t; q < u.pixels; q += WG) {
    let n = q / u.hw;
    s += dy[(n * u.cout + co) * u.hw + (q - n * u.hw)];
  }
  partial[t] = s;
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (t < stride) { partial[t] += partial[t + stride]; }
  }
  if (t == 0u) { db[co] = partial[0]; }
}
