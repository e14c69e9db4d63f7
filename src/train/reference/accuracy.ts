// CPU twin of shaders/accuracy.wgsl.

/**
 * [#top-k1 hits, #top-k2 hits]: a label is within the top k when fewer than k logits of its
 * row are strictly greater than its own; NaN logits count as greater, a NaN label logit never hits.
 */
export function accuracyReference(n: number, c: number, z: ArrayLike<number>, labels: ArrayLike<number>, k1 = 1, k2 = 3): [number, number] {
  let h1 = 0, h2 = 0;
  for (let i = 0; i < n; i++) {
    const zy = z[i * c + labels[i]];
    let g = 0;
    if (Number.isNaN(zy)) g = c;
    else for (let k = 0; k < c; k++) if (z[i * c + k] > zy || Number.isNaN(z[i * c + k])) g++;
    if (g < k1) h1++;
    if (g < k2) h2++;
  }
  return [h1, h2];
}
