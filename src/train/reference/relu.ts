// CPU twin of shaders/relu.wgsl, in float64.

/** y = max(x, 0) */
export function reluForwardReference(x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
  return y;
}

/** dx = dy · [y > 0] */
export function reluBackwardReference(y: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
  return dx;
}
