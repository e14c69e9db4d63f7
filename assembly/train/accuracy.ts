// Top-1 and top-3 hit counts on logits [rows, classes] (twin: src/train/reference/accuracy.ts,
// GPU: shaders/accuracy.wgsl), with its tie rule: a row is a top-k hit when fewer than k of its
// logits are strictly greater than the label's (ties go to the label, as TensorFlow's in_top_k);
// NaN logits count as greater, and a NaN at the label is never a hit.

/** counts[0] += top-1 hits, counts[1] += top-3 hits (u32[2], accumulated); labels i32 [rows]. */
export function accuracyCounts(logits: usize, labels: usize, rows: i32, classes: i32, counts: usize): void {
  const rowBytes = <usize>classes << 2;
  let h1: u32 = 0, h3: u32 = 0;
  for (let r = 0; r < rows; r++) {
    const z = logits + <usize>r * rowBytes;
    const zy = load<f32>(z + (<usize>load<i32>(labels + (<usize>r << 2)) << 2));
    let greater = classes;
    if (zy == zy) {
      const yv = f32x4.splat(zy);
      let acc = i32x4.splat(0);
      let k = 0;
      for (; k + 4 <= classes; k += 4) {
        const v = v128.load(z + (<usize>k << 2));
        // comparison masks are −1 per true lane
        acc = i32x4.sub(acc, v128.or(f32x4.gt(v, yv), f32x4.ne(v, v)));
      }
      greater = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
      for (; k < classes; k++) {
        const v = load<f32>(z + (<usize>k << 2));
        if (v > zy || v != v) greater++;
      }
    }
    if (greater < 1) h1++;
    if (greater < 3) h3++;
  }
  store<u32>(counts, load<u32>(counts) + h1);
  store<u32>(counts, load<u32>(counts, 4) + h3, 4);
}
