// The surrogates suite: Gaussian-process fit and predict (beside scikit-learn with --python),
// the exact and quasi-Monte Carlo EHVI, and MO-BANANAS's predictor ensemble, each checked
// before it is timed. Platform-neutral; scikit-learn (Node only) is imported when asked for.
import type { Sklearn, SklearnGp } from '../anchors/sklearn.ts';
import { checkAgree } from '../check.ts';
import { measure, resultFrom, type MeasureOptions, type Suite, type SuiteContext, type SuiteOutput, type Timing } from '../harness.ts';
import { speedup, type BenchResult, type BenchUnit } from '../schema.ts';
import { runtime } from '../../platform/index.ts';
import { Rng } from '../../random/rng.ts';
import { ehvi2, ehvi3, ehviQmc } from '../../surrogates/ehvi.ts';
import { GaussianProcess, thetaOf, type GpHyperparameters } from '../../surrogates/gp.ts';
import { Mlp } from '../../surrogates/mlp.ts';
import { ehviReference } from '../../surrogates/reference/ehvi.ts';
import { lmlReference, predictReference } from '../../surrogates/reference/gp.ts';
import { MlpReference } from '../../surrogates/reference/mlp.ts';

const SUITE = 'surrogates';
/** inputs of the GP cases: the 13 encoded dimensions of the NAS space */
const D = 13;

/** The smooth test function: weighted sines of every coordinate (periods 2π, π, 2π/3) and one interaction. */
function testFunction(x: ArrayLike<number>, off: number): number {
  let s = 0;
  for (let k = 0; k < D; k++) s += Math.sin((1 + (k % 3)) * x[off + k] + 0.5 * k) / (1 + 0.3 * k);
  return s + x[off] * x[off + 1];
}

/** n points uniform in [0,1]^13 with the test function plus small noise, and m query points. */
function gpData(n: number, m: number, seed = 1): { x: Float64Array; y: Float64Array; xq: Float64Array } {
  const rng = new Rng(seed * 1000 + n);
  const x = Float64Array.from({ length: n * D }, () => rng.random());
  const y = Float64Array.from({ length: n }, (_, i) => testFunction(x, i * D) + 0.05 * rng.normal());
  const xq = Float64Array.from({ length: m * D }, () => rng.random());
  return { x, y, xq };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
}

/** The kernels against the twin at fixed hyperparameters on 40 points: LML, posterior mean and variance. */
function checkGpTwin(): string {
  const { x, y, xq } = gpData(40, 20, 7);
  const h: GpHyperparameters = { mean: 0.1, lengthscales: new Array<number>(D).fill(0.7), outputscale: 1.3, noise: 0.01 };
  const model = GaussianProcess.fromHyperparameters(x, y, D, h);
  try {
    const theta = thetaOf(h);
    const twin = predictReference(x, y, D, theta, xq);
    const p = model.predict(xq);
    checkAgree('GP LML against the twin', [model.lml], [lmlReference(x, y, D, theta)!.lml], 1e-9);
    checkAgree('GP mean against the twin', p.mean, twin.mean, 1e-9, 1e-12);
    checkAgree('GP variance against the twin', p.variance, twin.variance, 1e-7, 1e-12);
  } finally {
    model.dispose();
  }
  return 'twin at fixed hyperparameters on 40 points: LML, mean, variance (1e-9 relative)';
}

/** Our model at scikit-learn's fitted hyperparameters must give its LML, mean and std: the same model, so the timings compare like with like. */
function checkAgainstSklearn(x: Float64Array, y: Float64Array, xq: Float64Array, sk: SklearnGp): string {
  const at = GaussianProcess.fromHyperparameters(x, y, D, { mean: 0, lengthscales: sk.lengthscales, outputscale: sk.constant, noise: sk.noise }, { normalizeY: true });
  try {
    const p = at.predict(xq, { observationNoise: true });
    const dl = Math.abs(at.lml - sk.lml), dm = maxAbsDiff(p.mean, sk.mean), ds = maxAbsDiff(Array.from(p.variance, Math.sqrt), sk.std);
    const scale = Math.max(...Array.from(sk.std));
    if (!(dl <= 1e-6 * (1 + Math.abs(sk.lml)) && dm <= 1e-6 * scale && ds <= 1e-6 * scale)) {
      throw new Error(`GP at scikit-learn's hyperparameters: ΔLML ${dl}, max Δmean ${dm}, max Δstd ${ds} (more than 1e-6 relative)`);
    }
    return `at scikit-learn's fitted hyperparameters: ΔLML ${dl.toExponential(1)}, max Δmean ${dm.toExponential(1)}, max Δstd ${ds.toExponential(1)}`;
  } finally {
    at.dispose();
  }
}

async function gpCases(ctx: SuiteContext, out: SuiteOutput, row: RowFn): Promise<void> {
  let sklearn: Sklearn | undefined;
  const absent = (detail: string) => out.anchors.push({ name: 'scikit-learn', status: 'absent', detail });
  if (ctx.python === undefined) absent('not asked for (--python PATH, a Python with scikit-learn)');
  else if (runtime() !== 'node') absent(`Python runs only from Node, not from ${runtime()}`);
  else {
    const { Sklearn } = await import('../anchors/sklearn.ts');
    const s = await Sklearn.open(ctx.python);
    if (typeof s === 'string') absent(s);
    else {
      sklearn = s;
      out.anchors.push({ name: 'scikit-learn', status: 'present', detail: `${s.version} (${s.python})` });
    }
  }
  const twinCheck = checkGpTwin();
  const sizes = ctx.quick ? [100] : [100, 200, 500, 1000];
  const m = ctx.quick ? 2_000 : 10_000;
  const fitRuns = ctx.quick ? 2 : 3, predictRuns = ctx.quick ? 3 : 4;
  // sklearn's default bounds; one L-BFGS run from the default start, as n_restarts_optimizer=0
  const bounds = { lengthscale: [1e-5, 1e5], outputscale: [1e-5, 1e5], noise: [1e-5, 1e5] } as const;
  try {
    for (const n of sizes) {
      const { x, y, xq } = gpData(n, m);
      let sk: SklearnGp | undefined, check = twinCheck;
      if (sklearn) {
        ctx.log(`${SUITE}: scikit-learn GP, n = ${n}...`);
        sk = sklearn.gp(x, y, xq, D, fitRuns, predictRuns);
        check += `; ${checkAgainstSklearn(x, y, xq, sk)}`;
      }
      const fitOptions = { runs: fitRuns - 1, minRuns: 1, budgetS: ctx.quick ? 2 : 30 };
      let lml = NaN;
      const fit = await measure(() => {
        const g = GaussianProcess.fit(x, y, D, { normalizeY: true, bounds, restarts: 1 });
        lml = g.lml;
        g.dispose();
      }, fitOptions);
      if (sk && !(lml >= sk.lml - 1e-3 * (1 + Math.abs(sk.lml)))) throw new Error(`GP fit n = ${n}: LML ${lml} below scikit-learn's ${sk.lml}`);
      const fitCheck = check + (sk ? `; LML ${lml.toFixed(3)} vs scikit-learn's ${sk.lml.toFixed(3)} (not below)` : `; LML ${lml.toFixed(3)}`);
      row('gp fit (1 start)', { n, d: D }, fit, fitCheck, 's', sk && { name: 'scikit-learn GaussianProcessRegressor.fit', version: sklearn!.version, ...sk.fit });
      const fitDefault = await measure(() => GaussianProcess.fit(x, y, D, { normalizeY: true, bounds }).dispose(), fitOptions);
      row('gp fit (default: 3 raced starts)', { n, d: D }, fitDefault, check, 's');
      const model = GaussianProcess.fit(x, y, D, { normalizeY: true, bounds, restarts: 1 });
      try {
        const predict = await measure(() => model.predict(xq, { observationNoise: true }), { runs: predictRuns - 1, minRuns: 1, budgetS: ctx.quick ? 2 : 30 });
        row('gp predict (mean + std)', { n, m, d: D }, predict, check, 's', sk && { name: 'scikit-learn predict(X, return_std=True)', version: sklearn!.version, ...sk.predict });
      } finally {
        model.dispose();
      }
    }
  } finally {
    sklearn?.dispose();
  }
}

/** n points on the simplex (mutually non-dominated). */
function simplexFront(rng: Rng, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (out[i * d + j] = rng.random() + 0.05);
    for (let j = 0; j < d; j++) out[i * d + j] /= s;
  }
  return out;
}

const rows = (a: Float64Array, d: number) => Array.from({ length: a.length / d }, (_, i) => Array.from(a.subarray(i * d, i * d + d)));

/** Exact EHVI of m Gaussian candidates against a front of 50 points, and the quasi-Monte Carlo estimate (128 samples, as MS-EHVI's qEHVI). */
async function ehviCases(ctx: SuiteContext, row: RowFn, timing: MeasureOptions): Promise<void> {
  const n = 50, m = ctx.quick ? 1_000 : 10_000;
  for (const d of [2, 3]) {
    const rng = new Rng(1);
    const front = simplexFront(rng, n, d);
    const ref = new Array<number>(d).fill(1.1);
    const mean = new Float64Array(m * d), std = new Float64Array(m * d);
    for (let i = 0; i < m * d; i++) {
      mean[i] = rng.uniform(0, 0.8);
      std[i] = rng.uniform(0.01, 0.3);
    }
    const exact = () => (d === 2 ? ehvi2(front, ref, mean, std) : ehvi3(front, ref, mean, std));
    const v = exact();
    const fr = rows(front, d);
    for (let i = 0; i < 5; i++) {
      const r = ehviReference(fr, ref, Array.from(mean.subarray(i * d, i * d + d)), Array.from(std.subarray(i * d, i * d + d)));
      checkAgree(`ehvi ${d}-D candidate ${i} against the twin`, [v[i]], [r], 1e-9, 1e-14);
    }
    const check = 'twin on 5 candidates (1e-9 relative)';
    row('ehvi exact', { front: n, candidates: m, d }, await measure(exact, timing), check, 'evaluations/s', undefined, m);
    const q = m / 10;
    const qmc = () => ehviQmc(front, d, ref, mean.subarray(0, q * d), std.subarray(0, q * d), { samples: 128 });
    const est = qmc();
    // the 5 candidates with the largest improvement: where it is next to nothing, all 128 samples may miss it
    const top = Array.from({ length: q }, (_, i) => i).sort((a, b) => v[b] - v[a]).slice(0, 5);
    for (const i of top) {
      if (!(Math.abs(est.values[i] - v[i]) <= 5 * est.stdError[i] + 1e-12)) throw new Error(`ehvi qmc ${d}-D candidate ${i}: ${est.values[i]} vs exact ${v[i]} (standard error ${est.stdError[i]})`);
    }
    row('ehvi qmc (128 samples)', { front: n, candidates: q, d }, await measure(qmc, timing), 'exact EHVI on the 5 best candidates (within 5 standard errors)', 'evaluations/s', undefined, q);
  }
}

/** MO-BANANAS's predictor ensemble (5 networks 13 → 10 → 2, 80 epochs, batch 32, Adam): the WebAssembly kernel beside its TypeScript twin. */
async function mlpCases(ctx: SuiteContext, row: RowFn, timing: MeasureOptions): Promise<void> {
  const n = ctx.quick ? 100 : 300;
  const rng = new Rng(1);
  const x = new Float64Array(n * 13), y = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < 13; j++) s += (x[i * 13 + j] = rng.random());
    y[i * 2] = s;
    y[i * 2 + 1] = 4 * x[i * 13] * x[i * 13 + 1];
  }
  const train = (wasm: boolean) => {
    const nets = Array.from({ length: 5 }, (_, k) => (wasm ? new Mlp([13, 10, 2], new Rng(10 + k)) : new MlpReference([13, 10, 2], new Rng(10 + k))));
    const shuffles = new Rng(3);
    for (const net of nets) net.train(x, y, shuffles);
    return nets.map((net) => Array.from(net.predict(x.subarray(0, 13))));
  };
  if (JSON.stringify(train(true)) !== JSON.stringify(train(false))) throw new Error('mlp: the WebAssembly and TypeScript ensembles differ');
  const check = 'WebAssembly and TypeScript ensembles predict the same (exact)';
  row('mlp ensemble training', { networks: 5, rows: n, layers: '13-10-2', epochs: 80 }, await measure(() => train(true), timing), check, 's');
  row('mlp ensemble training', { networks: 5, rows: n, layers: '13-10-2', epochs: 80 }, await measure(() => train(false), timing), check, 's', undefined, undefined, 'js');
}

type RowFn = (c: string, shape: BenchResult['shape'], t: Timing, check: string, unit: BenchUnit, anchor?: { name: string; version?: string; first: number; median: number; p90: number }, work?: number, backend?: string) => void;

export const surrogatesSuite: Suite = {
  name: SUITE,
  description: 'surrogate models: GP fit and predict (scikit-learn side by side with --python PATH), exact and QMC EHVI, the MLP ensemble',
  async run(ctx: SuiteContext): Promise<SuiteOutput> {
    const out: SuiteOutput = { results: [], anchors: [], skipped: [] };
    const timing: MeasureOptions = ctx.quick ? { runs: 3, budgetS: 2 } : { runs: 7, budgetS: 20 };
    const row: RowFn = (c, shape, t, check, unit, anchor, work, backend = 'wasm') => {
      const r = resultFrom(t, { suite: SUITE, case: c, shape, backend, check, unit, work });
      if (anchor) {
        // the anchor's rates come as times per call: the same work per call
        const rate = (s: number) => (unit === 's' ? s : work! / s);
        r.anchor = { name: anchor.name, version: anchor.version, first: rate(anchor.first), median: rate(anchor.median), p90: rate(anchor.p90) };
        r.ratio = speedup(unit, r.median, r.anchor.median);
      }
      out.results.push(r);
      ctx.log(`${SUITE}: ${c} ${JSON.stringify(shape)} ${backend}: median ${r.median.toPrecision(4)} ${unit}${r.ratio !== undefined ? `, ${r.ratio.toFixed(2)}x ${anchor!.name}` : ''}`);
    };
    await gpCases(ctx, out, row);
    await ehviCases(ctx, row, timing);
    await mlpCases(ctx, row, timing);
    return out;
  },
};
