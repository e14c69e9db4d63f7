// Adam (PyTorch's torch.optim.Adam, default non-fused path; no weight decay, no amsgrad) over a
// flat range [offset, offset + n) of a parameter buffer with its gradient and m, v state at the
// same element indices, so every parameter of a network is updated by one dispatch:
//   m ← m + (1 − β1)·(g − m)           (PyTorch: exp_avg.lerp_(grad, 1 − β1))
//   v ← β2·v + (1 − β2)·g²
//   p ← p − (lr / bc1) · m / (√v / √bc2 + eps),   bc_i = 1 − β_i^t
// The bias corrections are computed here from the step count t (a uniform), so a prepared
// dispatch is advanced by rewriting one word; 1 − β^t = −expm1(t·ln β) is evaluated without
// cancellation (ln β is passed from float64).

struct AdamParams {
  n: u32,
  offset: u32,
  t: u32,
  _pad: u32,
  lr: f32,
  one_minus_beta1: f32,
  beta2: f32,
  one_minus_beta2: f32,
  eps: f32,
  ln_beta1: f32,
  ln_beta2: f32,
  grad_scale: f32,
}

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> ad: AdamParams;
@group(0) @binding(1) var<storage, read_write> ad_p: array<f32>;
@group(0) @binding(2) var<storage, read> ad_g: array<f32>;
@group(0) @binding(3) var<storage, read_write> ad_m: array<f32>;
@group(0) @binding(4) var<storage, read_write> ad_v: array<f32>;

// 1 − exp(x) for x ≤ 0 with full relative accuracy near 0 (Taylor series of −expm1 up to x^8/8!).
fn one_minus_exp(x: f32) -> f32 {
  if (x > -0.1) {
    return -x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0)))))));
  }
  return 1.0 - exp(x);
}

@compute @workgroup_size(WG)
fn step(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let k = linear_index(gid, nwg, WG);
  if (k >= ad.n) { return; }
  let i = ad.offset + k;
  let tf = f32(ad.t);
  let bc1 = one_minus_exp(tf * ad.ln_beta1);
  let bc2 = one_minus_exp(tf * ad.ln_beta2);
  let g = ad_g[i] * ad.grad_scale;
  var m = ad_m[i];
  m += ad.one_minus_beta1 * (g - m);
  let v = ad.beta2 * ad_v[i] + ad.one_minus_beta2 * g * g;
  ad_m[i] = m;
  ad_v[i] = v;
  ad_p[i] -= (ad.lr / bc1) * m / (sqrt(v) / sqrt(bc2) + ad.eps);
}
