// Box-constrained limited-memory BFGS ("projected L-BFGS"): minimise f over lo <= x <= hi.
// Each iteration fixes the variables sitting on a bound whose gradient points outwards, takes
// the L-BFGS direction (two-loop recursion) in the remaining free variables, and searches
// along the projected path x(t) = P(x + t d) with backtracking (Armijo condition on the
// actual, projected step). Curvature pairs with sᵀy <= 0 are skipped, so the implicit Hessian
// stays positive definite. Stops like SciPy's L-BFGS-B: projected gradient max-norm <= pgtol,
// or relative decrease (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) <= ftol, or maxIterations.
//
// The objective is split in two so that rejected trial points cost a value only: value(x)
// returns f(x) (NaN or ±Infinity = outside the domain, the step is shortened) and gradient(g)
// fills the gradient at the point of the last value() call.

export interface BoxObjective {
  value(x: Float64Array): number;
  gradient(g: Float64Array): void;
}

export interface LbfgsOptions {
  /** pairs kept (default 10) */
  memory?: number;
  /** iterations (default 200) */
  maxIterations?: number;
  /** objective values (default 4 * maxIterations) */
  maxEvaluations?: number;
  /** projected-gradient tolerance (default 1e-5, SciPy's pgtol) */
  pgtol?: number;
  /** relative decrease tolerance (default 2.2e-9, SciPy's factr 1e7 times machine epsilon) */
  ftol?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  /** why it stopped */
  reason: 'pgtol' | 'ftol' | 'maxIterations' | 'maxEvaluations' | 'lineSearch' | 'nonFinite';
}

/**
 * Minimise `obj` from x0 within [lo, hi] (lo[i] = hi[i] fixes variable i; ±Infinity allowed),
 * one iteration per step() (false once it has stopped), so that the GP's restarts can be
 * interleaved. Every step() calls obj.value() before obj.gradient() for the same point, so
 * runs sharing one objective do not disturb each other. If f(x0) is not finite the result
 * reports 'nonFinite' with f = NaN.
 */
export class BoxLbfgs {
  x: Float64Array;
  f: number;
  iterations = 0;
  evaluations = 1;
  reason: LbfgsResult['reason'] | undefined;
  private readonly g: Float64Array;
  private readonly gt: Float64Array;
  private readonly xt: Float64Array;
  private readonly d: Float64Array;
  private readonly free: Uint8Array;
  private readonly S: Float64Array[] = [];
  private readonly Y: Float64Array[] = [];
  private readonly rho: number[] = [];
  private readonly alphaBuf: Float64Array;
  private readonly m: number;
  private readonly maxIter: number;
  private readonly maxEvals: number;
  private readonly pgtol: number;
  private readonly ftol: number;

  constructor(private readonly obj: BoxObjective, x0: ArrayLike<number>, private readonly lo: ArrayLike<number>, private readonly hi: ArrayLike<number>, options: LbfgsOptions = {}) {
    const n = x0.length;
    this.m = options.memory ?? 10;
    this.maxIter = options.maxIterations ?? 200;
    this.maxEvals = options.maxEvaluations ?? 4 * this.maxIter;
    this.pgtol = options.pgtol ?? 1e-5;
    this.ftol = options.ftol ?? 2.220446049250313e-9;
    this.x = Float64Array.from(x0, (v, i) => this.clampTo(v, i));
    this.g = new Float64Array(n);
    this.gt = new Float64Array(n);
    this.xt = new Float64Array(n);
    this.d = new Float64Array(n);
    this.free = new Uint8Array(n);
    this.alphaBuf = new Float64Array(this.m);
    this.f = obj.value(this.x);
    if (!Number.isFinite(this.f)) {
      this.f = Number.NaN;
      this.reason = 'nonFinite';
      return;
    }
    obj.gradient(this.g);
  }

  private clampTo(v: number, i: number): number {
    return Math.min(this.hi[i], Math.max(this.lo[i], v));
  }

  get done(): boolean {
    return this.reason !== undefined;
  }

  result(): LbfgsResult {
    return { x: this.x, f: this.f, iterations: this.iterations, evaluations: this.evaluations, reason: this.reason ?? 'maxIterations' };
  }

  /** One iteration; false when the run has stopped (now or before). */
  step(): boolean {
    if (this.reason !== undefined) return false;
    if (this.iterations >= this.maxIter) {
      this.reason = 'maxIterations';
      return false;
    }
    const { x, g, gt, xt, d, free, S, Y, rho, alphaBuf, lo, hi, obj } = this;
    const n = x.length;
    // Projected gradient and the free set.
    let pgmax = 0;
    for (let i = 0; i < n; i++) {
      const p = this.clampTo(x[i] - g[i], i) - x[i];
      pgmax = Math.max(pgmax, Math.abs(p));
      free[i] = lo[i] === hi[i] || (x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0) ? 0 : 1;
    }
    if (pgmax <= this.pgtol) {
      this.reason = 'pgtol';
      return false;
    }
    // Two-loop recursion on the free variables.
    for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      let a = 0;
      for (let i = 0; i < n; i++) if (free[i]) a += S[j][i] * d[i];
      a *= rho[j];
      alphaBuf[j] = a;
      for (let i = 0; i < n; i++) if (free[i]) d[i] -= a * Y[j][i];
    }
    if (k > 0) {
      let sy = 0, yy = 0;
      for (let i = 0; i < n; i++) {
        if (!free[i]) continue;
        sy += S[k - 1][i] * Y[k - 1][i];
        yy += Y[k - 1][i] * Y[k - 1][i];
      }
      const gamma = sy > 0 && yy > 0 ? sy / yy : 1;
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      let b = 0;
      for (let i = 0; i < n; i++) if (free[i]) b += Y[j][i] * d[i];
      b *= rho[j];
      for (let i = 0; i < n; i++) if (free[i]) d[i] += (alphaBuf[j] - b) * S[j][i];
    }
    let gd = 0;
    for (let i = 0; i < n; i++) gd += g[i] * d[i];
    if (!(gd < 0)) {
      // Not a descent direction (the free set changed under the memory): steepest descent.
      S.length = Y.length = rho.length = 0;
      gd = 0;
      for (let i = 0; i < n; i++) {
        d[i] = free[i] ? -g[i] : 0;
        gd -= d[i] * d[i];
      }
      if (!(gd < 0)) {
        this.reason = 'pgtol';
        return false;
      }
    }
    // First step (no curvature yet): at most a unit move in any coordinate.
    let t = 1;
    if (S.length === 0) {
      let dmax = 0;
      for (let i = 0; i < n; i++) dmax = Math.max(dmax, Math.abs(d[i]));
      if (dmax > 1) t = 1 / dmax;
    }
    let ft = Number.NaN;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++) {
      if (this.evaluations >= this.maxEvals) break;
      let decrease = 0, moved = false;
      for (let i = 0; i < n; i++) {
        xt[i] = free[i] ? this.clampTo(x[i] + t * d[i], i) : x[i];
        decrease += g[i] * (xt[i] - x[i]);
        if (xt[i] !== x[i]) moved = true;
      }
      if (!moved) break;
      this.evaluations++;
      ft = obj.value(xt);
      if (Number.isFinite(ft) && ft <= this.f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      // Quadratic interpolation of the value along the ray, safeguarded to [0.1 t, 0.5 t].
      let tn = 0.5 * t;
      if (Number.isFinite(ft)) {
        const denom = 2 * (ft - this.f - decrease);
        if (denom > 0) tn = Math.min(0.5 * t, Math.max(0.1 * t, (-decrease * t) / denom));
      } else {
        tn = 0.25 * t;
      }
      t = tn;
    }
    if (!accepted) {
      if (this.evaluations >= this.maxEvals) {
        this.reason = 'maxEvaluations';
        return false;
      }
      if (S.length > 0) {
        // Retry from steepest descent before giving up.
        S.length = Y.length = rho.length = 0;
        return true;
      }
      this.reason = 'lineSearch';
      return false;
    }
    obj.gradient(gt);
    const s = new Float64Array(n), y = new Float64Array(n);
    let sy = 0, yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      y[i] = gt[i] - g[i];
      sy += s[i] * y[i];
      yy += y[i] * y[i];
    }
    if (sy > 1e-10 * yy) {
      if (S.length === this.m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const prev = this.f;
    x.set(xt);
    g.set(gt);
    this.f = ft;
    this.iterations++;
    if (prev - ft <= this.ftol * Math.max(Math.abs(prev), Math.abs(ft), 1)) {
      this.reason = 'ftol';
      return false;
    }
    if (this.evaluations >= this.maxEvals) {
      this.reason = 'maxEvaluations';
      return false;
    }
    return true;
  }
}
