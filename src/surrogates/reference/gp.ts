// Plain-TypeScript twin of the GP kernels (assembly/gp/), written for clarity, not speed: the
// tests compare the WebAssembly results against it. Same parameterisation:
//   θ = [c, log ℓ_1 .. log ℓ_d, log s, log σ²],
//   k(x, x') = s (1 + √5 r + 5/3 r²) exp(-√5 r),  r² = Σ ((x_k - x'_k) / ℓ_k)²,
//   K = k(X, X) + σ² I,  LML = -½ (y - c)ᵀ K⁻¹ (y - c) - ½ log|K| - n/2 log 2π.

const SQRT5 = Math.sqrt(5);

export function maternReference(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bj: number, d: number, theta: ArrayLike<number>): number {
  let r2 = 0;
  for (let k = 0; k < d; k++) {
    const t = (a[ai * d + k] - b[bj * d + k]) / Math.exp(theta[1 + k]);
    r2 += t * t;
  }
  const r = Math.sqrt(r2);
  return Math.exp(theta[d + 1]) * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/** k(x1_p, x2_j) for all p, j (f64[n1*n2]). */
export function kernelMatrixReference(x1: ArrayLike<number>, x2: ArrayLike<number>, d: number, theta: ArrayLike<number>): Float64Array {
  const n1 = x1.length / d, n2 = x2.length / d;
  const out = new Float64Array(n1 * n2);
  for (let p = 0; p < n1; p++) for (let j = 0; j < n2; j++) out[p * n2 + j] = maternReference(x1, p, x2, j, d, theta);
  return out;
}

/** Unblocked Cholesky (lower, zeros above); undefined when a pivot is not positive. */
export function choleskyReference(a: ArrayLike<number>, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j];
    for (let k = 0; k < j; k++) s -= l[j * n + k] * l[j * n + k];
    if (!(s > 0)) return undefined;
    const ljj = Math.sqrt(s);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j];
      for (let k = 0; k < j; k++) t -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = t / ljj;
    }
  }
  return l;
}

function forward(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const z = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = z[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k];
    z[i] = s / l[i * n + i];
  }
  return z;
}

function backward(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

export interface LmlAndGradient {
  lml: number;
  gradient: Float64Array;
  l: Float64Array;
  alpha: Float64Array;
}

/** LML and its gradient w.r.t. θ by the textbook formulas (explicit K⁻¹); `jitter` is added to the diagonal. */
export function lmlReference(x: ArrayLike<number>, y: ArrayLike<number>, d: number, theta: ArrayLike<number>, jitter = 0): LmlAndGradient | undefined {
  const n = y.length;
  const c = theta[0], s = Math.exp(theta[d + 1]), noise = Math.exp(theta[d + 2]);
  const K = kernelMatrixReference(x, x, d, theta);
  for (let i = 0; i < n; i++) K[i * n + i] += noise + jitter;
  const l = choleskyReference(K, n);
  if (!l) return undefined;
  const r = Float64Array.from(y, (v) => v - c);
  const alpha = backward(l, n, forward(l, n, r));
  let quad = 0, logdet = 0;
  for (let i = 0; i < n; i++) {
    quad += r[i] * alpha[i];
    logdet += 2 * Math.log(l[i * n + i]);
  }
  const lml = -0.5 * quad - 0.5 * logdet - 0.5 * n * Math.log(2 * Math.PI);
  // K⁻¹ column by column
  const kinv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const col = backward(l, n, forward(l, n, e));
    for (let i = 0; i < n; i++) kinv[i * n + j] = col[i];
  }
  const grad = new Float64Array(d + 3);
  for (let i = 0; i < n; i++) grad[0] += alpha[i];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const w = alpha[i] * alpha[j] - kinv[i * n + j];
      let r2 = 0;
      const t = new Float64Array(d);
      for (let k = 0; k < d; k++) {
        t[k] = (x[i * d + k] - x[j * d + k]) / Math.exp(theta[1 + k]);
        r2 += t[k] * t[k];
      }
      const rr = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * rr);
      const kf = s * (1 + SQRT5 * rr + (5 / 3) * r2) * e;
      const g = s * (5 / 3) * (1 + SQRT5 * rr) * e;
      for (let k = 0; k < d; k++) grad[1 + k] += 0.5 * w * g * t[k] * t[k];
      grad[d + 1] += 0.5 * w * kf;
      if (i === j) grad[d + 2] += 0.5 * w * noise;
    }
  }
  return { lml, gradient: grad, l, alpha };
}

/** Posterior mean and latent variance at xq by forward substitution. */
export function predictReference(x: ArrayLike<number>, y: ArrayLike<number>, d: number, theta: ArrayLike<number>, xq: ArrayLike<number>, jitter = 0): { mean: Float64Array; variance: Float64Array } {
  const fit = lmlReference(x, y, d, theta, jitter);
  if (!fit) throw new Error('predictReference: not positive definite');
  const n = y.length, m = xq.length / d;
  const kq = kernelMatrixReference(xq, x, d, theta);
  const s = Math.exp(theta[d + 1]);
  const mean = new Float64Array(m), variance = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    const k = kq.subarray(p * n, (p + 1) * n);
    let mu = theta[0];
    for (let j = 0; j < n; j++) mu += k[j] * fit.alpha[j];
    const v = forward(fit.l, n, Float64Array.from(k));
    let q = 0;
    for (let j = 0; j < n; j++) q += v[j] * v[j];
    mean[p] = mu;
    variance[p] = Math.max(0, s - q);
  }
  return { mean, variance };
}
