// CPU twin of shaders/softmax-cross-entropy.wgsl in float64.

function logSumExp(z: ArrayLike<number>, base: number, c: number): { max: number; sum: number; lse: number } {
  let max = -Infinity;
  for (let k = 0; k < c; k++) max = Math.max(max, z[base + k]);
  let sum = 0;
  for (let k = 0; k < c; k++) sum += Math.exp(z[base + k] - max);
  return { max, sum, lse: max + Math.log(sum) };
}

/** Mean hard-label cross-entropy and dlogits = (softmax − onehot)/N. */
export function softmaxCrossEntropyReference(n: number, c: number, z: ArrayLike<number>, labels: ArrayLike<number>): { loss: number; dlogits: Float64Array } {
  const d = new Float64Array(n * c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const s = logSumExp(z, i * c, c);
    loss += s.lse - z[i * c + labels[i]];
    for (let k = 0; k < c; k++) d[i * c + k] = (Math.exp(z[i * c + k] - s.max) / s.sum - (k === labels[i] ? 1 : 0)) / n;
  }
  return { loss: loss / n, dlogits: d };
}

/** Mean soft-target cross-entropy and dlogits = (softmax·Σt − t)/N. */
export function softCrossEntropyReference(n: number, c: number, z: ArrayLike<number>, t: ArrayLike<number>): { loss: number; dlogits: Float64Array } {
  const d = new Float64Array(n * c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const s = logSumExp(z, i * c, c);
    let ts = 0;
    for (let k = 0; k < c; k++) {
      loss += t[i * c + k] * (s.lse - z[i * c + k]);
      ts += t[i * c + k];
    }
    for (let k = 0; k < c; k++) d[i * c + k] = ((Math.exp(z[i * c + k] - s.max) / s.sum) * ts - t[i * c + k]) / n;
  }
  return { loss: loss / n, dlogits: d };
}

/** MSE over all N·C elements and its gradient 2(z − t)/(N·C). */
export function mseLossReference(n: number, c: number, z: ArrayLike<number>, t: ArrayLike<number>): { loss: number; dlogits: Float64Array } {
  const d = new Float64Array(n * c);
  let loss = 0;
  for (let i = 0; i < n * c; i++) {
    loss += (z[i] - t[i]) ** 2;
    d[i] = (2 * (z[i] - t[i])) / (n * c);
  }
  return { loss: loss / (n * c), dlogits: d };
}
