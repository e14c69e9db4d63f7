// A small fully connected network (MO-BANANAS's neural predictor, docs/methods.md#mobananas-predictor): forward
// pass and Adam training on the mean squared error. ReLU after every layer but the last.
//
// Layout: sizes i32[L + 1] = [inputs, hidden..., outputs]; params f64, layer by layer, the
// weights of layer l row-major (sizes[l+1] × sizes[l], as PyTorch's nn.Linear) followed by
// its biases (sizes[l+1]). Rows of x (n × inputs) and y (n × outputs) are row-major.
// The arithmetic is written in the same order as the TypeScript twin
// (src/surrogates/reference/mlp.ts), so both give bit-identical weights.

// @ts-ignore: decorator
@inline
function size(sizes: usize, l: i32): i32 {
  return load<i32>(sizes + (<usize>l << 2));
}

/** Number of parameters of the network. */
export function mlpParamCount(sizes: usize, L: i32): i32 {
  let p = 0;
  for (let l = 0; l < L; l++) p += size(sizes, l + 1) * (size(sizes, l) + 1);
  return p;
}

/** Sum of the layer sizes (room for one activation vector per layer). */
function actCount(sizes: usize, L: i32): i32 {
  let a = 0;
  for (let l = 0; l <= L; l++) a += size(sizes, l);
  return a;
}

/**
 * Forward pass: acts holds the layer vectors back to back (layer 0 = the input, already
 * filled); writes layers 1..L.
 */
function forward(params: usize, sizes: usize, L: i32, acts: usize): void {
  let p = params; // weights of layer l
  let a = acts; // input of layer l
  for (let l = 0; l < L; l++) {
    const nin = size(sizes, l), nout = size(sizes, l + 1);
    const b = p + (<usize>(nout * nin) << 3);
    const out = a + (<usize>nin << 3);
    const relu = l + 1 < L;
    for (let j = 0; j < nout; j++) {
      let s = load<f64>(b + (<usize>j << 3));
      const row = p + (<usize>(j * nin) << 3);
      for (let i = 0; i < nin; i++) s += load<f64>(row + (<usize>i << 3)) * load<f64>(a + (<usize>i << 3));
      store<f64>(out + (<usize>j << 3), relu && s < 0 ? 0.0 : s);
    }
    p = b + (<usize>nout << 3);
    a = out;
  }
}

/** Outputs of n rows of x into out (n × outputs). */
export function mlpPredict(params: usize, sizes: usize, L: i32, x: usize, n: i32, out: usize): void {
  const nin = size(sizes, 0), nout = size(sizes, L);
  const acts = heap.alloc(<usize>actCount(sizes, L) << 3);
  const last = acts + (<usize>(actCount(sizes, L) - nout) << 3);
  for (let r = 0; r < n; r++) {
    memory.copy(acts, x + (<usize>(r * nin) << 3), <usize>nin << 3);
    forward(params, sizes, L, acts);
    memory.copy(out + (<usize>(r * nout) << 3), last, <usize>nout << 3);
  }
  heap.free(acts);
}

/**
 * Train with a fresh Adam (zero moments) for `epochs` passes; `order` (i32[epochs · n]) gives
 * the rows of each epoch (the host's shuffles), taken in minibatches of `batch`. Loss per batch:
 * the mean over rows and outputs of the squared error. Updates params in place.
 * @returns the mean batch loss of the last epoch (each before its step)
 */
export function mlpTrain(
  params: usize, sizes: usize, L: i32, x: usize, y: usize, n: i32, order: usize, epochs: i32, batch: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64,
): f64 {
  const P = mlpParamCount(sizes, L);
  const A = actCount(sizes, L);
  const nin = size(sizes, 0), nout = size(sizes, L);
  const grad = heap.alloc(<usize>P << 3);
  const m1 = heap.alloc(<usize>P << 3);
  const m2 = heap.alloc(<usize>P << 3);
  memory.fill(m1, 0, <usize>P << 3);
  memory.fill(m2, 0, <usize>P << 3);
  const acts = heap.alloc(<usize>A << 3);
  const deltas = heap.alloc(<usize>A << 3);
  // offsets of layer l: its weights in params/grad (woff), its input vector in acts (aoff)
  const woff = heap.alloc(<usize>(L + 1) << 2);
  const aoff = heap.alloc(<usize>(L + 1) << 2);
  let w = 0, a = 0;
  for (let l = 0; l <= L; l++) {
    store<i32>(woff + (<usize>l << 2), w);
    store<i32>(aoff + (<usize>l << 2), a);
    if (l < L) w += size(sizes, l + 1) * (size(sizes, l) + 1);
    a += size(sizes, l);
  }
  const outAct = acts + (<usize>load<i32>(aoff + (<usize>L << 2)) << 3);
  const outDelta = deltas + (<usize>load<i32>(aoff + (<usize>L << 2)) << 3);
  let pow1 = 1.0, pow2 = 1.0;
  let last = 0.0;
  for (let e = 0; e < epochs; e++) {
    let lossSum = 0.0;
    let batches = 0;
    for (let start = 0; start < n; start += batch) {
      const end = min(n, start + batch);
      const scale = 2.0 / <f64>((end - start) * nout);
      memory.fill(grad, 0, <usize>P << 3);
      let loss = 0.0;
      for (let k = start; k < end; k++) {
        const r = load<i32>(order + (<usize>(e * n + k) << 2));
        memory.copy(acts, x + (<usize>(r * nin) << 3), <usize>nin << 3);
        forward(params, sizes, L, acts);
        for (let j = 0; j < nout; j++) {
          const err = load<f64>(outAct + (<usize>j << 3)) - load<f64>(y + (<usize>(r * nout + j) << 3));
          loss += err * err;
          store<f64>(outDelta + (<usize>j << 3), scale * err);
        }
        for (let l = L - 1; l >= 0; l--) {
          const lin = size(sizes, l), lout = size(sizes, l + 1);
          const W = params + (<usize>load<i32>(woff + (<usize>l << 2)) << 3);
          const gW = grad + (<usize>load<i32>(woff + (<usize>l << 2)) << 3);
          const gB = gW + (<usize>(lout * lin) << 3);
          const av = acts + (<usize>load<i32>(aoff + (<usize>l << 2)) << 3);
          const d = deltas + (<usize>load<i32>(aoff + (<usize>(l + 1) << 2)) << 3);
          for (let j = 0; j < lout; j++) {
            const dj = load<f64>(d + (<usize>j << 3));
            store<f64>(gB + (<usize>j << 3), load<f64>(gB + (<usize>j << 3)) + dj);
            if (dj == 0) continue;
            const row = gW + (<usize>(j * lin) << 3);
            for (let i = 0; i < lin; i++) store<f64>(row + (<usize>i << 3), load<f64>(row + (<usize>i << 3)) + dj * load<f64>(av + (<usize>i << 3)));
          }
          if (l > 0) {
            const dPrev = deltas + (<usize>load<i32>(aoff + (<usize>l << 2)) << 3);
            for (let i = 0; i < lin; i++) {
              if (load<f64>(av + (<usize>i << 3)) <= 0) {
                store<f64>(dPrev + (<usize>i << 3), 0.0);
                continue;
              }
              let s = 0.0;
              for (let j = 0; j < lout; j++) s += load<f64>(W + (<usize>(j * lin + i) << 3)) * load<f64>(d + (<usize>j << 3));
              store<f64>(dPrev + (<usize>i << 3), s);
            }
          }
        }
      }
      lossSum += loss / <f64>((end - start) * nout);
      batches++;
      pow1 *= beta1;
      pow2 *= beta2;
      const c1 = 1.0 - pow1, c2 = 1.0 - pow2;
      for (let i = 0; i < P; i++) {
        const gi = load<f64>(grad + (<usize>i << 3));
        const u = beta1 * load<f64>(m1 + (<usize>i << 3)) + (1.0 - beta1) * gi;
        const v = beta2 * load<f64>(m2 + (<usize>i << 3)) + (1.0 - beta2) * gi * gi;
        store<f64>(m1 + (<usize>i << 3), u);
        store<f64>(m2 + (<usize>i << 3), v);
        store<f64>(params + (<usize>i << 3), load<f64>(params + (<usize>i << 3)) - (lr * (u / c1)) / (Math.sqrt(v / c2) + eps));
      }
    }
    last = lossSum / <f64>batches;
  }
  heap.free(grad);
  heap.free(m1);
  heap.free(m2);
  heap.free(acts);
  heap.free(deltas);
  heap.free(woff);
  heap.free(aoff);
  return last;
}
