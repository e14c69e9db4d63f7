// Global average pooling [N, C, H, W] → [N, C] (AdaptiveAvgPool2d(1) + flatten) and its backward.
// Forward: each (n, c) plane is a contiguous row of H·W floats; LANES invocations share a row
// (coalesced strided sums, then a fixed-shape tree in workgroup memory: deterministic) and the
// WG/LANES row-groups of a workgroup take consecutive rows, so short rows (7×7, 3×3, 1×1) do not
// leave most of the workgroup idle.

struct GapParams {
  rows: u32,  // n·c
  len: u32,   // h·w
  total: u32, // n·c·h·w
}

override WG: u32 = 256;   // power of two
override LANES: u32 = 32; // power of two ≤ WG

@group(0) @binding(0) var<uniform> gap: GapParams;

var<workgroup> gap_red: array<f32, WG>;

@group(0) @binding(1) var<storage, read> fw_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> fw_y: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + wid.y * nwg.x) * (WG / LANES) + lid / LANES;
  let lane = lid % LANES;
  var s = 0.0;
  if (row < gap.rows) {
    let base = row * gap.len;
    for (var k = lane; k < gap.len; k += LANES) { s += fw_x[base + k]; }
  }
  gap_red[lid] = s;
  workgroupBarrier();
  for (var st = LANES / 2u; st > 0u; st >>= 1u) {
    if (lane < st) { gap_red[lid] += gap_red[lid + st]; }
    workgroupBarrier();
  }
  if (lane == 0u && row < gap.rows) { fw_y[row] = gap_red[lid] / f32(gap.len); }
}

// backward: dx[n, c, h, w] = dy[n, c] / (H·W)
@group(0) @binding(1) var<storage, read> bw_dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> bw_dx: array<f32>;

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= gap.total) { return; }
  bw_dx[i] = bw_dy[i / gap.len] / f32(gap.len);
}
