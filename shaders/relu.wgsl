// ReLU forward (out-of-place or in place) and backward, one invocation per element on a 2-D grid.
// Backward uses the forward's output: dx = dy · [y > 0] (the same mask as [x > 0]).

struct ReluParams {
  n: u32,
}

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> relu_u: ReluParams;

// forward: y = max(x, 0)
@group(0) @binding(1) var<storage, read> fwd_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> fwd_y: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= relu_u.n) { return; }
  fwd_y[i] = max(fwd_x[i], 0.0);
}

// forward_inplace: x = max(x, 0) (a buffer cannot be bound both read-only and writable)
@group(0) @binding(1) var<storage, read_write> inp_x: array<f32>;

@compute @workgroup_size(WG)
fn forward_inplace(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= relu_u.n) { return; }
  inp_x[i] = max(inp_x[i], 0.0);
}

// backward: dx = dy · [y > 0]
@group(0) @binding(1) var<storage, read> bwd_y: array<f32>;
@group(0) @binding(2) var<storage, read> bwd_dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> bwd_dx: array<f32>;

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= relu_u.n) { return; }
  bwd_dx[i] = select(0.0, bwd_dy[i], bwd_y[i] > 0.0);
}

// backward_inplace: dy = dy · [y > 0]
@group(0) @binding(1) var<storage, read> bip_y: array<f32>;
@group(0) @binding(2) var<storage, read_write> bip_dy: array<f32>;

@compute @workgroup_size(WG)
fn backward_inplace(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= relu_u.n) { return; }
  bip_dy[i] = select(0.0, bip_dy[i], bip_y[i] > 0.0);
}
