// CPU twin of shaders/gather-batch.wgsl.

/**
 * x[b] = data[indices[start + b]] as NCHW (from NHWC or NCHW samples, values decoded through
 * `table` when given), y[b] = labels[indices[start + b]].
 */
export function gatherBatchReference(
  batch: number, c: number, h: number, w: number, data: ArrayLike<number>, layout: 'nhwc' | 'nchw',
  indices: ArrayLike<number>, start: number, labels: ArrayLike<number>, table?: ArrayLike<number>,
): { x: Float64Array; y: Uint32Array } {
  const x = new Float64Array(batch * c * h * w), y = new Uint32Array(batch), chw = c * h * w;
  for (let b = 0; b < batch; b++) {
    const row = indices[start + b];
    y[b] = labels[row];
    for (let ci = 0; ci < c; ci++) {
      for (let hi = 0; hi < h; hi++) {
        for (let wi = 0; wi < w; wi++) {
          const src = layout === 'nhwc' ? (hi * w + wi) * c + ci : (ci * h + hi) * w + wi;
          const v = data[row * chw + src];
          x[b * chw + (ci * h + hi) * w + wi] = table ? table[v] : v;
        }
      }
    }
  }
  return { x, y };
}
