// Bulk & Cut's training augmentation on an NCHW batch (docs/methods.md#bulkcut-training): per-sample horizontal
// flip, then mixup with a partner sample and a per-sample λ:
//   x'_i[c, h, w] = λ_i·x_i[c, h, f_i(w)] + (1 − λ_i)·x_j[c, h, f_j(w)],  j = partner_i,
// where f_k(w) = W − 1 − w when sample k is flipped, else w (the partner enters flipped or not by
// its own flag, as it does when the flipped batch is permuted). One invocation per output element
// (out-of-place: the inputs of other samples are read). `mix_targets` builds the matching soft
// targets from the integer labels: t_i = λ_i·onehot(y_i) + (1 − λ_i)·onehot(y_j).

struct AugParams {
  n: u32,
  c: u32,
  h: u32,
  w: u32,
  total: u32,   // n·c·h·w
  flip: u32,    // 0: ignore the flip flags
  mix: u32,     // 0: no mixup (λ = 1)
  classes: u32, // mix_targets only
}

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> au: AugParams;

@group(0) @binding(1) var<storage, read> au_x: array<f32>;
@group(0) @binding(2) var<storage, read> au_flip: array<u32>;
@group(0) @binding(3) var<storage, read> au_lambda: array<f32>;
@group(0) @binding(4) var<storage, read> au_partner: array<u32>;
@group(0) @binding(5) var<storage, read_write> au_out: array<f32>;

fn source_index(sample: u32, plane_row: u32, w: u32) -> u32 {
  var ww = w;
  if (au.flip != 0u && au_flip[sample] != 0u) { ww = au.w - 1u - w; }
  return (sample * au.c * au.h + plane_row) * au.w + ww;
}

@compute @workgroup_size(WG)
fn mix(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linear_index(gid, nwg, WG);
  if (o >= au.total) { return; }
  let row = o / au.w;              // (n·c + c)·h + h
  let w = o - row * au.w;
  let chw_rows = au.c * au.h;
  let i = row / chw_rows;
  let plane_row = row - i * chw_rows; // c·h + h within the sample
  let xi = au_x[source_index(i, plane_row, w)];
  if (au.mix == 0u) {
    au_out[o] = xi;
    return;
  }
  let lam = au_lambda[i];
  let j = au_partner[i];
  let xj = au_x[source_index(j, plane_row, w)];
  au_out[o] = lam * xi + (1.0 - lam) * xj;
}

@group(0) @binding(1) var<storage, read> mt_labels: array<u32>;
@group(0) @binding(2) var<storage, read> mt_lambda: array<f32>;
@group(0) @binding(3) var<storage, read> mt_partner: array<u32>;
@group(0) @binding(4) var<storage, read_write> mt_targets: array<f32>;

@compute @workgroup_size(WG)
fn mix_targets(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linear_index(gid, nwg, WG);
  if (o >= au.n * au.classes) { return; }
  let i = o / au.classes;
  let k = o - i * au.classes;
  let yi = select(0.0, 1.0, mt_labels[i] == k);
  if (au.mix == 0u) {
    mt_targets[o] = yi;
    return;
  }
  let lam = mt_lambda[i];
  let yj = select(0.0, 1.0, mt_labels[mt_partner[i]] == k);
  mt_targets[o] = lam * yi + (1.0 - lam) * yj;
}
