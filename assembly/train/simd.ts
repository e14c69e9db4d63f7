// Fused multiply-add where the build has relaxed SIMD (train-relaxed.wasm), mul + add otherwise
// (train.wasm); the host picks the relaxed build when the runtime validates it.

// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** 1 for the relaxed-SIMD build, 0 for the baseline one. */
export function simdFlavour(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
