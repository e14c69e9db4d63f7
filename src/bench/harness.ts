// The benchmark harness shared by every suite, in Node, Deno and browsers: the first call timed
// apart, then the median and 90th percentile of warm calls. Correctness is each suite's business
// (it checks its results before it times them and says what it checked in BenchResult.check).
import { now } from '../platform/index.ts';
import type { AdapterInfo, AnchorStatus, BenchResult, BenchUnit } from './schema.ts';

export interface Timing {
  /** seconds of the first call */
  first: number;
  /** median seconds of the warm calls */
  median: number;
  /** 90th percentile seconds of the warm calls */
  p90: number;
  /** every warm call, seconds */
  times: number[];
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** The q-quantile of xs (linear between order statistics). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new RangeError('quantile: no values');
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export interface MeasureOptions {
  /** warm calls at most (default 7) */
  runs?: number;
  /** stop warm calls after this many seconds, once `minRuns` have run (default 20) */
  budgetS?: number;
  /** warm calls at least (default 3) */
  minRuns?: number;
}

/**
 * Each warm sample lasts at least this long: browsers round performance.now() to 0.1 ms (or
 * coarser), so a call shorter than that is repeated within one sample and the sample divided.
 */
const MIN_SAMPLE_S = 0.002;

/** Time `fn` (sync or async): one first call, then warm calls. */
export async function measure(fn: () => unknown, options: MeasureOptions = {}): Promise<Timing> {
  const runs = options.runs ?? 7, budgetS = options.budgetS ?? 20, minRuns = Math.min(options.minRuns ?? 3, runs);
  let t0 = now();
  await fn();
  let first = (now() - t0) / 1000;
  // calls per sample: doubled until one sample lasts MIN_SAMPLE_S (those calls count as warm-up)
  let reps = 1;
  const times: number[] = [];
  const start = now();
  for (;;) {
    t0 = now();
    for (let r = 0; r < reps; r++) await fn();
    const s = (now() - t0) / 1000;
    if (s >= MIN_SAMPLE_S || reps >= 1 << 20) {
      // a single call long enough to time is already the first warm sample
      if (reps === 1) times.push(s);
      break;
    }
    reps *= 2;
  }
  while (times.length < runs) {
    t0 = now();
    for (let r = 0; r < reps; r++) await fn();
    times.push((now() - t0) / 1000 / reps);
    if ((now() - start) / 1000 > budgetS && times.length >= minRuns) break;
  }
  const med = median(times);
  // a first call below the clock's resolution reads 0: it was no slower than a warm one
  if (first === 0) first = med;
  return { first, median: med, p90: quantile(times, 0.9), times };
}

/**
 * A result row from a timing. For a rate unit, `work` is the amount done per call (FLOPs / 1e9
 * for GFLOP/s, images for images/s) and first/median/p90 become rates (p90: the slow end).
 */
export function resultFrom(t: Timing, row: Omit<BenchResult, 'first' | 'median' | 'p90' | 'runs' | 'unit'> & { unit?: BenchUnit; work?: number }): BenchResult {
  const { work, unit = 's', ...rest } = row;
  if (unit === 's') return { ...rest, unit, first: t.first, median: t.median, p90: t.p90, runs: t.times.length };
  if (work === undefined) throw new RangeError(`resultFrom: a rate unit (${unit}) needs the work per call`);
  return { ...rest, unit, first: work / t.first, median: work / t.median, p90: work / t.p90, runs: t.times.length };
}

/** What a suite is given. */
export interface SuiteContext {
  /** small shapes and few runs: a smoke run in seconds */
  quick: boolean;
  /** progress lines (the CLI prints them on stderr) */
  log(message: string): void;
  /** directory with moocore's built binaries (Node only) */
  moocore?: string;
  /** moocore's C sources, for the ndsort timing driver (default: found beside `moocore`) */
  moocoreSource?: string;
  /** a Python interpreter for the PyTorch / scikit-learn anchors (Node only) */
  python?: string;
  /** time WebGPU kernels on a software adapter too (they are skipped there by default) */
  softwareGpu?: boolean;
}

/** What a suite returns. */
export interface SuiteOutput {
  results: BenchResult[];
  /** the anchors it looked for */
  anchors: AnchorStatus[];
  /** cases it could not run here, and why */
  skipped: { case: string; reason: string }[];
  /** the WebGPU adapter its rows ran on, where it used one (the run's machine header shows it) */
  adapter?: AdapterInfo;
}

export interface Suite {
  name: string;
  /** one line for `paretonas bench --help` */
  description: string;
  run(ctx: SuiteContext): Promise<SuiteOutput>;
}
