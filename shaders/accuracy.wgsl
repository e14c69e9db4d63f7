// Top-k accuracy counts on logits [N, C] with u32 labels, accumulated into atomic<u32>
// counters (counters[off] += #top-k1 hits, counters[off + 1] += #top-k2 hits) so that a whole
// validation pass is read back once.
// Tie rule: sample i is a top-k hit when fewer than k logits of row i are strictly greater than
// the label's logit (ties are resolved in the label's favour, as TensorFlow's in_top_k does;
// PyTorch's topk picks among ties by position). NaN logits count as greater than any value, a
// NaN at the label is never a hit (tested on the bits: implementations may assume no NaNs in
// floating-point comparisons).
// LANES invocations per row count the greater logits, a tree sums them, the row's lane 0
// adds its hits to workgroup atomics, and one invocation per workgroup adds those to the buffer.

struct AccParams {
  rows: u32,
  cols: u32,
  k1: u32,
  k2: u32,
  off: u32,
}

override WG: u32 = 256;   // power of two
override LANES: u32 = 16; // power of two ≤ WG

@group(0) @binding(0) var<uniform> ac: AccParams;
@group(0) @binding(1) var<storage, read> ac_logits: array<f32>;
@group(0) @binding(2) var<storage, read> ac_labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> ac_counters: array<atomic<u32>>;

var<workgroup> ac_red: array<u32, WG>;
var<workgroup> ac_hits: array<atomic<u32>, 2>;

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

@compute @workgroup_size(WG)
fn topk(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + wid.y * nwg.x) * (WG / LANES) + lid / LANES;
  let lane = lid % LANES;
  let valid = row < ac.rows;
  var greater = 0u;
  if (valid) {
    let base = row * ac.cols;
    let zy = ac_logits[base + ac_labels[row]];
    if (is_nan(zy)) {
      greater = select(0u, ac.cols, lane == 0u);
    } else {
      for (var c = lane; c < ac.cols; c += LANES) {
        let z = ac_logits[base + c];
        greater += select(0u, 1u, z > zy || is_nan(z));
      }
    }
  }
  ac_red[lid] = greater;
  workgroupBarrier();
  for (var s = LANES / 2u; s > 0u; s >>= 1u) {
    if (lane < s) { ac_red[lid] += ac_red[lid + s]; }
    workgroupBarrier();
  }
  if (valid && lane == 0u) {
    let g = ac_red[lid];
    if (g < ac.k1) { atomicAdd(&ac_hits[0], 1u); }
    if (g < ac.k2) { atomicAdd(&ac_hits[1], 1u); }
  }
  workgroupBarrier();
  if (lid == 0u) {
    let h1 = atomicLoad(&ac_hits[0]);
    let h2 = atomicLoad(&ac_hits[1]);
    if (h1 > 0u) { atomicAdd(&ac_counters[ac.off], h1); }
    if (h2 > 0u) { atomicAdd(&ac_counters[ac.off + 1u], h2); }
  }
}
