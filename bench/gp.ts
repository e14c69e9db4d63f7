// Gaussian-process regression against scikit-learn, side by side in one run: for n = 100, 200,
// 500, 1000 points uniform in [0,1]^13 (seeded) with a smooth test function plus small noise,
// the fit time and log marginal likelihood, and the time to predict mean + std at 10,000
// points. Both sides read the same data files; fit times are single runs; predict times are the
// first call and the median of the next three (sklearn's first call carries a large one-time cost).
//
// sklearn: GaussianProcessRegressor(ConstantKernel() * Matern(nu=2.5, length_scale=ones(13))
//          + WhiteKernel(), normalize_y=True, n_restarts_optimizer=0)   (default bounds 1e-5..1e5)
// ours:    GaussianProcess.fit(x, y, 13, { normalizeY: true, bounds: the same 1e-5..1e5,
//          restarts: 1 }) -- one L-BFGS run from the default start like n_restarts_optimizer=0
//          (constant mean) -- and, in extra columns, the default fit (3 starts, raced);
//          predict(xq, { observationNoise: true }) since sklearn's std includes the WhiteKernel's noise.
// LML convention: both report the log marginal likelihood of the standardised targets
// (y - mean) / std (population std); our model has one more hyperparameter (the constant mean).
// As a check of that convention, our LML and predictions are also computed at sklearn's fitted
// hyperparameters (mean 0): they must equal sklearn's.
//
// Also: the time of one MS-EHVI ask() at 50, 100 and 200 finished trials (benchMsehviAsk).
//
// The predict table puts side by side, per n, the median of three warm predict calls (on the
// prediction threads where the pool has workers; also on this thread only) and sklearn's median,
// with the ratio against the target of 3x.
//
// Standalone: npx tsx bench/gp.ts [n,n,...]     (GP_PYTHON: interpreter with sklearn, default
// /usr/bin/python3; BENCH_GP_MSEHVI=0 skips the MS-EHVI rows; build the kernels first: npm run
// build:wasm)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMethod } from '../src/optimizers/index.ts';
import { Rng } from '../src/random/rng.ts';
import { nasAxSpace, toNetworkConfig } from '../src/space/nas.ts';
import type { Config } from '../src/space/types.ts';
import { MemoryStorage } from '../src/study/storage.ts';
import { Study } from '../src/study/study.ts';
import { networkSpec } from '../src/train/network.ts';
import { GaussianProcess, gpLastThreadedPredict } from '../src/surrogates/gp.ts';
import { machine, median } from './harness.ts';

const D = 13;
const M = 10_000;
export const GP_BENCH_SIZES = [100, 200, 500, 1000];

/** The smooth test function: weighted sines of every coordinate (periods 2π, π, 2π/3) and one interaction. */
export function testFunction(x: ArrayLike<number>, off = 0): number {
  let s = 0;
  for (let k = 0; k < D; k++) s += Math.sin((1 + (k % 3)) * x[off + k] + 0.5 * k) / (1 + 0.3 * k);
  return s + x[off] * x[off + 1];
}

export function gpBenchData(n: number, seed = 1): { x: Float64Array; y: Float64Array; xq: Float64Array } {
  const rng = new Rng(seed * 1000 + n);
  const x = Float64Array.from({ length: n * D }, () => rng.random());
  const y = Float64Array.from({ length: n }, (_, i) => testFunction(x, i * D) + 0.05 * rng.normal());
  const xq = Float64Array.from({ length: M * D }, () => rng.random());
  return { x, y, xq };
}

const SKLEARN = String.raw`
import json, sys, time, warnings
import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
warnings.filterwarnings("ignore")
d, n, m, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
x = np.fromfile(path + "/x.f64", dtype="<f8").reshape(n, d)
y = np.fromfile(path + "/y.f64", dtype="<f8")
xq = np.fromfile(path + "/xq.f64", dtype="<f8").reshape(m, d)
kernel = ConstantKernel() * Matern(nu=2.5, length_scale=np.ones(d)) + WhiteKernel()
gpr = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=0)
t = time.perf_counter(); gpr.fit(x, y); fit = time.perf_counter() - t
times = []
for _ in range(4):
    t = time.perf_counter(); mu, sd = gpr.predict(xq, return_std=True); times.append(time.perf_counter() - t)
pred, predWarm = times[0], sorted(times[1:])[1]
k = gpr.kernel_
mu.astype("<f8").tofile(path + "/mu.f64"); sd.astype("<f8").tofile(path + "/sd.f64")
print(json.dumps({"fit": fit, "predict": pred, "predictWarm": predWarm, "lml": float(gpr.log_marginal_likelihood_value_),
  "constant": float(k.k1.k1.constant_value), "lengthscales": [float(v) for v in np.atleast_1d(k.k1.k2.length_scale)],
  "noise": float(k.k2.noise_level)}))
`;

interface SklearnRun {
  fit: number;
  /** first call */
  predict: number;
  /** median of the next three */
  predictWarm: number;
  lml: number;
  constant: number;
  lengthscales: number[];
  noise: number;
  mu: Float64Array;
  sd: Float64Array;
}

function runSklearn(python: string, dir: string, n: number): SklearnRun | string {
  const script = join(dir, 'sk.py');
  writeFileSync(script, SKLEARN);
  const r = spawnSync(python, [script, String(D), String(n), String(M), dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return `sklearn failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Omit<SklearnRun, 'mu' | 'sd'>;
  const f64 = (name: string) => {
    const b = readFileSync(join(dir, name));
    return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  return { ...out, mu: f64('mu.f64'), sd: f64('sd.f64') };
}

export interface GpBenchRow {
  n: number;
  /** one start (as sklearn) */
  fitS: number;
  lml: number;
  /** default options (3 raced starts) */
  fitDefaultS: number;
  lmlDefault: number;
  /** first call */
  predictS: number;
  /** median of the next three */
  predictWarmS: number;
  /** median of three calls on this thread only (threads: 1) */
  predictOneThreadS: number;
  /** chunks of the last warm call, and how many the worker threads took (0: no threads) */
  threaded: { chunks: number; workerChunks: number };
  sk?: SklearnRun;
  skError?: string;
  /** our LML at sklearn's hyperparameters minus sklearn's LML */
  checkLml?: number;
  /** max |Δ| of mean and std at sklearn's hyperparameters */
  checkMean?: number;
  checkStd?: number;
}

export function benchGp(options: { sizes?: number[]; python?: string; log?: (s: string) => void } = {}): GpBenchRow[] {
  const python = options.python ?? process.env.GP_PYTHON ?? '/usr/bin/python3';
  const log = options.log ?? (() => {});
  const rows: GpBenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'paretonas-gp-bench-'));
  const bounds = { lengthscale: [1e-5, 1e5], outputscale: [1e-5, 1e5], noise: [1e-5, 1e5] } as const;
  for (const n of options.sizes ?? GP_BENCH_SIZES) {
    const { x, y, xq } = gpBenchData(n);
    writeFileSync(join(dir, 'x.f64'), x);
    writeFileSync(join(dir, 'y.f64'), y);
    writeFileSync(join(dir, 'xq.f64'), xq);
    // ours: one fit per size (the first call of the smallest size also warms the module up)
    if (rows.length === 0) GaussianProcess.fit(x.subarray(0, 20 * D), y.subarray(0, 20), D).dispose();
    let t = performance.now();
    const model = GaussianProcess.fit(x, y, D, { normalizeY: true, bounds, restarts: 1 });
    const fitS = (performance.now() - t) / 1000;
    t = performance.now();
    const byDefault = GaussianProcess.fit(x, y, D, { normalizeY: true, bounds });
    const fitDefaultS = (performance.now() - t) / 1000;
    byDefault.dispose();
    const times: number[] = [];
    for (let r = 0; r < 4; r++) {
      t = performance.now();
      model.predict(xq, { observationNoise: true });
      times.push((performance.now() - t) / 1000);
    }
    const threaded = gpLastThreadedPredict();
    const one: number[] = [];
    for (let r = 0; r < 3; r++) {
      t = performance.now();
      model.predict(xq, { observationNoise: true, threads: 1 });
      one.push((performance.now() - t) / 1000);
    }
    const row: GpBenchRow = {
      n, fitS, lml: model.lml, fitDefaultS, lmlDefault: byDefault.lml, predictS: times[0], predictWarmS: median(times.slice(1)),
      predictOneThreadS: median(one), threaded,
    };
    model.dispose();
    log(`n = ${n}: ours fit ${fitS.toFixed(3)} s, LML ${model.lml.toFixed(3)}; sklearn running...`);
    const sk = runSklearn(python, dir, n);
    if (typeof sk === 'string') row.skError = sk;
    else {
      row.sk = sk;
      const at = GaussianProcess.fromHyperparameters(x, y, D, { mean: 0, lengthscales: sk.lengthscales, outputscale: sk.constant, noise: sk.noise }, { normalizeY: true });
      row.checkLml = at.lml - sk.lml;
      const p = at.predict(xq, { observationNoise: true });
      let em = 0, es = 0;
      for (let i = 0; i < M; i++) {
        em = Math.max(em, Math.abs(p.mean[i] - sk.mu[i]));
        es = Math.max(es, Math.abs(Math.sqrt(p.variance[i]) - sk.sd[i]));
      }
      row.checkMean = em;
      row.checkStd = es;
      at.dispose();
    }
    rows.push(row);
  }
  return rows;
}

export function printGpTable(rows: GpBenchRow[]): void {
  const f = (s: number) => (s < 0.1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);
  const dl = (a: number, b: number) => `${a - b >= 0 ? '+' : ''}${(a - b).toFixed(3)}`;
  const x = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
  console.log(`\n### GP fit vs scikit-learn 1.2 (d = ${D}; ours with one start, like n_restarts_optimizer=0, and with our default of 3 raced starts; LML of the standardised targets)\n`);
  console.log('| n | sklearn | ours, 1 start | speed-up | LML sklearn | LML ours | ΔLML | ours, default | speed-up | LML ours, default | ΔLML |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const s = r.sk;
    if (!s) {
      console.log(`| ${r.n} | — | ${f(r.fitS)} | — | — | ${r.lml.toFixed(3)} | — | ${f(r.fitDefaultS)} | — | ${r.lmlDefault.toFixed(3)} | — |`);
      continue;
    }
    console.log(`| ${r.n} | ${f(s.fit)} | ${f(r.fitS)} | ${x(s.fit, r.fitS)} | ${s.lml.toFixed(3)} | ${r.lml.toFixed(3)} | ${dl(r.lml, s.lml)} | ${f(r.fitDefaultS)} | ${x(s.fit, r.fitDefaultS)} | ${r.lmlDefault.toFixed(3)} | ${dl(r.lmlDefault, s.lml)} |`);
  }
  console.log(`\n### GP predict mean + std at ${M} points vs scikit-learn 1.2 (first call; median of the next three)\n`);
  console.log('| n | sklearn first | ours first | speed-up | sklearn warm | ours warm | speed-up | check at sklearn θ: ΔLML, max Δmean, max Δstd |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const s = r.sk;
    if (!s) {
      console.log(`| ${r.n} | — | ${f(r.predictS)} | — | — | ${f(r.predictWarmS)} | — | ${r.skError ?? ''} |`);
      continue;
    }
    console.log(`| ${r.n} | ${f(s.predict)} | ${f(r.predictS)} | ${x(s.predict, r.predictS)} | ${f(s.predictWarm)} | ${f(r.predictWarmS)} | ${x(s.predictWarm, r.predictWarmS)} | ${r.checkLml!.toExponential(1)}, ${r.checkMean!.toExponential(1)}, ${r.checkStd!.toExponential(1)} |`);
  }
  printGpPredictTable(rows);
}

/** The predict target: at least this many times faster than sklearn's predict(X, return_std=True). */
export const GP_PREDICT_TARGET = 3;

/** The predict table: medians of three warm calls, ours and sklearn's, measured in the same run. */
export function printGpPredictTable(rows: GpBenchRow[]): void {
  const f = (s: number) => `${s.toFixed(3)} s`;
  console.log(`\n### GP predict, mean + std at m = ${M} points: ours vs scikit-learn's predict(X, return_std=True), same run, median of 3 warm calls\n`);
  console.log('| n | m | ours (median) | ours, 1 thread | worker share | scikit-learn (median) | ratio | target 3x |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const share = r.threaded.chunks > 0 ? `${r.threaded.workerChunks}/${r.threaded.chunks} chunks` : 'no workers';
    if (!r.sk) {
      console.log(`| ${r.n} | ${M} | ${f(r.predictWarmS)} | ${f(r.predictOneThreadS)} | ${share} | — | — | — |`);
      continue;
    }
    const ratio = r.sk.predictWarm / r.predictWarmS;
    console.log(`| ${r.n} | ${M} | ${f(r.predictWarmS)} | ${f(r.predictOneThreadS)} | ${share} | ${f(r.sk.predictWarm)} | ${ratio.toFixed(2)}x | ${ratio >= GP_PREDICT_TARGET ? 'met' : 'not met'} |`);
  }
}

export const MSEHVI_ASK_SIZES = [50, 100, 200];

/**
 * Milliseconds of one MS-EHVI ask() (default options: GP fit with priors, 1000 Sobol candidates,
 * 5 local searches) once the study holds `n` finished trials, on the Ax form of the NAS space
 * (15 encoded dimensions) with the exact log10 parameter count as the known second objective
 * and a cheap synthetic first objective. The first proposal after an n-point design, then the
 * median of the next three.
 */
export async function benchMsehviAsk(sizes = MSEHVI_ASK_SIZES): Promise<{ n: number; firstMs: number; medianMs: number }[]> {
  const space = nasAxSpace();
  const evaluate = (c: Config): number[] => {
    const size = Math.log10(networkSpec(toNetworkConfig(c), [3, 16, 16], 17).numParams);
    const lr = Math.log10(c.lr_init as number);
    const err = -100 / (1 + Math.exp(-(size - 4))) + 8 * Math.abs(lr + 3) + (c.batch_norm ? 0 : 3) + 2 * Math.sin(c.batch_size as number);
    return [err, size];
  };
  const out: { n: number; firstMs: number; medianMs: number }[] = [];
  for (const n of sizes) {
    const study = Study.create(
      { space, directions: ['minimize', 'minimize'], referencePoint: [0, 8], method: 'msehvi', methodOptions: { nInit: n }, seed: 1, storage: new MemoryStorage(), onWarning: () => {} },
      (ctx, meta) => getMethod('msehvi').create(ctx, meta.methodOptions ?? {}),
    );
    await study.optimize((t) => evaluate(t.params), { maxEvaluations: n });
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const trial = study.ask()!;
      times.push(performance.now() - t0);
      study.tell(trial, evaluate(trial.params));
    }
    out.push({ n, firstMs: times[0], medianMs: median(times.slice(1)) });
  }
  return out;
}

export function printMsehviAsk(rows: { n: number; firstMs: number; medianMs: number }[]): void {
  console.log('\n### MS-EHVI ask() (NAS space, known size objective, default options)\n');
  console.log('| finished trials | first proposal | median of the next 3 |');
  console.log('|---|---|---|');
  for (const r of rows) console.log(`| ${r.n} | ${r.firstMs.toFixed(0)} ms | ${r.medianMs.toFixed(0)} ms |`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const list = process.argv[2] ?? process.env.BENCH_GP_SIZES;
  const sizes = list ? list.split(',').map(Number) : GP_BENCH_SIZES;
  console.log(`# GP benchmark on ${machine()}`);
  printGpTable(benchGp({ sizes, log: (s) => console.error(s) }));
  if (process.env.BENCH_GP_MSEHVI !== '0') printMsehviAsk(await benchMsehviAsk());
}
