// MaxPool2d(kernel 2, stride 2, floor) on NCHW float32. The training forward stores the argmax
// position within each 2×2 window (0..3, row-major; the first maximum wins, as in PyTorch's
// scan with `>`), and the backward scatters dy through it with one invocation per *input*
// element: every dx element is written exactly once (zero outside the argmax and in the rows and
// columns that floor() drops), so dx needs no clearing and writes are coalesced.

struct PoolParams {
  h: u32,
  w: u32,
  ho: u32,
  wo: u32,
  total_out: u32, // n·c·ho·wo
  total_in: u32,  // n·c·h·w
}

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> pool: PoolParams;

struct Window {
  value: f32,
  arg: u32,
}

fn window_max(x0: f32, x1: f32, x2: f32, x3: f32) -> Window {
  var r = Window(x0, 0u);
  if (x1 > r.value) { r = Window(x1, 1u); }
  if (x2 > r.value) { r = Window(x2, 2u); }
  if (x3 > r.value) { r = Window(x3, 3u); }
  return r;
}

// Base input index of output element o's window.
fn window_base(o: u32) -> u32 {
  let plane = pool.ho * pool.wo;
  let nc = o / plane;
  let r = o - nc * plane;
  let oh = r / pool.wo;
  let ow = r - oh * pool.wo;
  return nc * pool.h * pool.w + 2u * oh * pool.w + 2u * ow;
}

// ---- training forward: y and argmax
@group(0) @binding(1) var<storage, read> fw_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> fw_y: array<f32>;
@group(0) @binding(3) var<storage, read_write> fw_arg: array<u32>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linear_index(gid, nwg, WG);
  if (o >= pool.total_out) { return; }
  let b = window_base(o);
  let m = window_max(fw_x[b], fw_x[b + 1u], fw_x[b + pool.w], fw_x[b + pool.w + 1u]);
  fw_y[o] = m.value;
  fw_arg[o] = m.arg;
}

// ---- evaluation forward: y only
@group(0) @binding(1) var<storage, read> fe_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> fe_y: array<f32>;

@compute @workgroup_size(WG)
fn forward_eval(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linear_index(gid, nwg, WG);
  if (o >= pool.total_out) { return; }
  let b = window_base(o);
  fe_y[o] = window_max(fe_x[b], fe_x[b + 1u], fe_x[b + pool.w], fe_x[b + pool.w + 1u]).value;
}

// ---- backward: dx[i] = dy[o] if i is the argmax of its window o, else 0
@group(0) @binding(1) var<storage, read> bw_dy: array<f32>;
@group(0) @binding(2) var<storage, read> bw_arg: array<u32>;
@group(0) @binding(3) var<storage, read_write> bw_dx: array<f32>;

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= pool.total_in) { return; }
  let plane = pool.h * pool.w;
  let nc = i / plane;
  let r = i - nc * plane;
  let h = r / pool.w;
  let w = r - h * pool.w;
  var g = 0.0;
  if (h < 2u * pool.ho && w < 2u * pool.wo) {
    let o = nc * pool.ho * pool.wo + (h >> 1u) * pool.wo + (w >> 1u);
    if (bw_arg[o] == ((h & 1u) << 1u) + (w & 1u)) { g = bw_dy[o]; }
  }
  bw_dx[i] = g;
}
