// conv2d-grad-weight-reduce: dW[i] = Σ_{s<splits} part[s·len + i], the second pass of a
// split conv2d-grad-weight. The slices are added in a fixed order (deterministic result).
// One thread per element; a 2-D grid past 65535 workgroups (linear_index).

struct Params {
  len: u32, splits: u32, _pad0: u32, _pad1: u32,
}

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= u.len) { return; }
  var s = 0.0;
  for (var k = 0u; k < u.splits; k++) { s += part[k * u.len + i]; }
  dw[i] = s;
}
