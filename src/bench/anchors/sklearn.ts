// scikit-learn's Gaussian process as a benchmark anchor (Node only: the node: modules are
// imported when the anchor is opened). bench/anchors/sklearn_gp.py fits and predicts on the
// data files written here, timed inside Python (interpreter start-up and file reading excluded).
import { median, quantile } from '../harness.ts';
import { ANCHORS_DIR } from './moocore.ts';

/** Times of one side: the first call apart, then the warm ones. */
export interface CallTimes {
  first: number;
  median: number;
  p90: number;
}

export interface SklearnGp {
  fit: CallTimes;
  predict: CallTimes;
  lml: number;
  constant: number;
  lengthscales: number[];
  noise: number;
  mean: Float64Array;
  std: Float64Array;
}

const times = (xs: number[]): CallTimes => {
  const warm = xs.length > 1 ? xs.slice(1) : xs;
  return { first: xs[0], median: median(warm), p90: quantile(warm, 0.9) };
};

export class Sklearn {
  private constructor(
    readonly python: string,
    readonly version: string,
    private readonly run: (args: string[]) => { status: number | null; stdout: string; stderr: string },
    private readonly fs: typeof import('node:fs'),
    private readonly dir: string,
    private readonly script: string,
  ) {}

  /** A Python with scikit-learn and NumPy, or the reason it is absent. */
  static async open(python: string): Promise<Sklearn | string> {
    const cp = await import('node:child_process');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const run = (args: string[]) => {
      const r = cp.spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
      return { status: r.status, stdout: r.stdout ?? '', stderr: r.error ? r.error.message : r.stderr ?? '' };
    };
    const probe = run(['-c', 'import numpy, sklearn; print(sklearn.__version__)']);
    if (probe.status !== 0) {
      const why = probe.stderr.trim().split('\n').pop() ?? '';
      return /ENOENT/.test(why) ? `${python} not found` : `${python} lacks scikit-learn or NumPy (${why})`;
    }
    const script = path.join(fileURLToPath(ANCHORS_DIR), 'sklearn_gp.py');
    if (!fs.existsSync(script)) return `${script} is missing from the package`;
    return new Sklearn(python, probe.stdout.trim(), run, fs, fs.mkdtempSync(path.join(os.tmpdir(), 'paretonas-sklearn-')), script);
  }

  /** Fit on (x, y) and predict mean + std at xq, `fitRuns` and `predictRuns` times. */
  gp(x: Float64Array, y: Float64Array, xq: Float64Array, d: number, fitRuns: number, predictRuns: number): SklearnGp {
    const n = y.length, m = xq.length / d;
    this.fs.writeFileSync(`${this.dir}/x.f64`, x);
    this.fs.writeFileSync(`${this.dir}/y.f64`, y);
    this.fs.writeFileSync(`${this.dir}/xq.f64`, xq);
    const r = this.run([this.script, String(d), String(n), String(m), this.dir, String(fitRuns), String(predictRuns)]);
    if (r.status !== 0) throw new Error(`scikit-learn GP anchor failed: ${r.stderr.trim().split('\n').pop()}`);
    const o = JSON.parse(r.stdout) as { fit: number[]; predict: number[]; lml: number; constant: number; lengthscales: number[]; noise: number };
    // Float64Array views of the files (little-endian, as written by NumPy's "<f8")
    const f64 = (name: string) => new Float64Array(new Uint8Array(this.fs.readFileSync(`${this.dir}/${name}`)).buffer);
    return { ...o, fit: times(o.fit), predict: times(o.predict), mean: f64('mu.f64'), std: f64('sd.f64') };
  }

  dispose(): void {
    this.fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
