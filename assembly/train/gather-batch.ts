// A training batch from the resident dataset (twin: src/train/reference/gather-batch.ts, GPU:
// shaders/gather-batch.wgsl): x[b] = sample indices[start + b], y[b] = its label. Unlike the GPU
// kernel there is no NHWC → NCHW permutation here: the host keeps the resident samples NCHW.

/** Bytes k → f32 k/255. A correctly rounded f32 division k/255 is bit-identical to rounding the
 * f64 quotient (unitByteTable in src/train/kernels/gather-batch.ts): the binary expansion of
 * k/255 repeats with period 8, so the f64 quotient never lands on an f32 rounding midpoint (the
 * tests check all 256 values). */
function decodeUnitBytes(src: usize, dst: usize, len: i32): void {
  const d = f32x4.splat(255);
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const b = v128.load(src + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(b), hi = i16x8.extend_high_i8x16_u(b);
    const o = dst + (<usize>i << 2);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), d));
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), d), 16);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), d), 32);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), d), 48);
  }
  for (; i < len; i++) store<f32>(dst + (<usize>i << 2), <f32>load<u8>(src + <usize>i) / 255);
}

/**
 * For b in [0, batch): row = indices[start + b] (u32); x[b] (sampleSize f32) = sample `row` of
 * data, whose samples are sampleSize values each, NCHW; format 0: f32 values, format 1: bytes k
 * decoded to f32 k/255. y[b] = labels[row] (i32).
 */
export function gatherBatch(
  data: usize, format: i32, indices: usize, start: i32, batch: i32, sampleSize: i32, labels: usize, x: usize, y: usize,
): void {
  const outBytes = <usize>sampleSize << 2;
  for (let b = 0; b < batch; b++) {
    const row = <usize>load<u32>(indices + (<usize>(start + b) << 2));
    store<i32>(y + (<usize>b << 2), load<i32>(labels + (row << 2)));
    const dst = x + <usize>b * outBytes;
    if (format == 0) memory.copy(dst, data + row * outBytes, outBytes);
    else decodeUnitBytes(data + row * <usize>sampleSize, dst, sampleSize);
  }
}
