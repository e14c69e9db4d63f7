// The result format of `paretonas bench --json` and of the benchmark page (schema
// 'paretonas-bench/1'). One file per run on one machine; files from many machines can be
// collected and compared (`paretonas bench --compare a.json b.json`). README.md#benchmark-results
// documents every field; validateBenchFile() checks a parsed file against it.

export const BENCH_SCHEMA = 'paretonas-bench/1';

/** Units a result may be in. Times are seconds; rates are per second. */
export type BenchUnit = 's' | 'GFLOP/s' | 'GB/s' | 'images/s' | 'evaluations/s';

/** Whether a larger number is better for this unit (rates) or a smaller one (times). */
export function higherIsBetter(unit: BenchUnit): boolean {
  return unit !== 's';
}

/** A WebGPU adapter as the runtime describes it. */
export interface AdapterInfo {
  /** description, vendor and architecture as one line (what the result rows carry in `adapter`) */
  name: string;
  vendor?: string;
  architecture?: string;
  description?: string;
  /** a software adapter (SwiftShader, llvmpipe, lavapipe) or the fallback adapter */
  software: boolean;
  /** the adapter's limits (GPUSupportedLimits, numeric fields only) */
  limits: Record<string, number>;
  features: string[];
}

/** The machine a run measured. */
export interface MachineInfo {
  /** CPU model ('unknown' in browsers, which do not tell) */
  cpu: string;
  /** logical cores (os.availableParallelism(), navigator.hardwareConcurrency) */
  cores: number;
  /** total memory in bytes, where the runtime tells */
  memoryBytes?: number;
  /** 'node' | 'deno' | 'browser' */
  runtime: string;
  /** e.g. 'v20.20.2', or the browser's user agent */
  runtimeVersion: string;
  /** operating system and architecture, e.g. 'linux x64' */
  os: string;
  /** WebAssembly features the runtime has */
  wasm: { simd: boolean; relaxedSimd: boolean };
  /** the WebGPU adapter the training suite used; null where there is none */
  webgpu: AdapterInfo | null;
}

/** An anchor's figures for the same case, measured in the same run. */
export interface AnchorFigures {
  /** 'moocore', 'pytorch', 'scikit-learn', ... */
  name: string;
  /** its version or build, where known */
  version?: string;
  first?: number;
  median: number;
  p90?: number;
}

/** One measured case. */
export interface BenchResult {
  /** 'pareto', 'surrogates', 'train-kernels', 'train', 'ask', ... */
  suite: string;
  /** what was measured, e.g. 'hypervolume', 'conv forward', 'default network, 1 training' */
  case: string;
  /** the input's size: n, d, batch, channels, ... (numbers or short strings) */
  shape: Record<string, number | string>;
  /** where it ran: 'wasm', 'wasm-relaxed', 'webgpu', 'js' */
  backend: string;
  /** the WebGPU adapter (AdapterInfo.name) for backend 'webgpu' */
  adapter?: string;
  unit: BenchUnit;
  /** the first call (compilation, tier-up, first-touch included), in `unit` */
  first: number;
  /** the median of the warm calls, in `unit` */
  median: number;
  /** the 90th percentile of the warm calls, in `unit` (for rates, the 10th percentile of the rate: the slow end either way) */
  p90: number;
  /** number of warm calls */
  runs: number;
  /** the correctness check that ran before timing */
  check: string;
  /** the anchor's figures where it was present */
  anchor?: AnchorFigures;
  /**
   * how many times faster ours is than the anchor on the median: anchor time / our time, or our
   * rate / the anchor's rate (above 1: faster than the anchor)
   */
  ratio?: number;
}

/** An anchor the run looked for, and whether it was there. */
export interface AnchorStatus {
  name: string;
  /** 'present' with its version in `detail`, or 'absent' with the reason in `detail` */
  status: 'present' | 'absent';
  detail: string;
}

export interface BenchFile {
  schema: typeof BENCH_SCHEMA;
  /** the paretonas version that measured */
  version: string;
  /** ISO 8601 start and end of the run */
  started: string;
  finished: string;
  /** the suites run and whether --quick */
  suites: string[];
  quick: boolean;
  machine: MachineInfo;
  anchors: AnchorStatus[];
  results: BenchResult[];
  /** cases that could not run here (e.g. 'webgpu: no adapter'), each with its reason */
  skipped: { suite: string; case: string; reason: string }[];
}

/** The speedup of ours over an anchor for a unit (see BenchResult.ratio). */
export function speedup(unit: BenchUnit, ours: number, anchor: number): number {
  return higherIsBetter(unit) ? ours / anchor : anchor / ours;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';

/** Check a parsed JSON value against the schema; throws an Error naming the first bad field. */
export function validateBenchFile(x: unknown, what = 'bench file'): BenchFile {
  const fail = (path: string, expected: string): never => {
    throw new Error(`${what}: ${path} must be ${expected}`);
  };
  const obj = (v: unknown, path: string): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, 'an object'));
  const f = obj(x, 'the file');
  if (f.schema !== BENCH_SCHEMA) fail('schema', `'${BENCH_SCHEMA}'`);
  for (const k of ['version', 'started', 'finished']) if (!isStr(f[k])) fail(k, 'a string');
  if (!Array.isArray(f.suites) || !f.suites.every(isStr)) fail('suites', 'an array of strings');
  if (typeof f.quick !== 'boolean') fail('quick', 'a boolean');
  const m = obj(f.machine, 'machine');
  if (!isStr(m.cpu)) fail('machine.cpu', 'a string');
  if (!isNum(m.cores) || m.cores < 1) fail('machine.cores', 'a positive number');
  for (const k of ['runtime', 'runtimeVersion', 'os']) if (!isStr(m[k])) fail(`machine.${k}`, 'a string');
  const w = obj(m.wasm, 'machine.wasm');
  if (typeof w.simd !== 'boolean' || typeof w.relaxedSimd !== 'boolean') fail('machine.wasm', '{ simd: boolean, relaxedSimd: boolean }');
  if (m.webgpu !== null) {
    const a = obj(m.webgpu, 'machine.webgpu');
    if (!isStr(a.name)) fail('machine.webgpu.name', 'a string');
    if (typeof a.software !== 'boolean') fail('machine.webgpu.software', 'a boolean');
    obj(a.limits, 'machine.webgpu.limits');
    if (!Array.isArray(a.features)) fail('machine.webgpu.features', 'an array');
  }
  if (!Array.isArray(f.anchors)) fail('anchors', 'an array');
  (f.anchors as unknown[]).forEach((v, i) => {
    const a = obj(v, `anchors[${i}]`);
    if (!isStr(a.name) || !isStr(a.detail) || (a.status !== 'present' && a.status !== 'absent')) fail(`anchors[${i}]`, "{ name, status: 'present' | 'absent', detail }");
  });
  if (!Array.isArray(f.results)) fail('results', 'an array');
  (f.results as unknown[]).forEach((v, i) => {
    const p = `results[${i}]`;
    const r = obj(v, p);
    for (const k of ['suite', 'case', 'backend', 'check']) if (!isStr(r[k])) fail(`${p}.${k}`, 'a string');
    if (!['s', 'GFLOP/s', 'GB/s', 'images/s', 'evaluations/s'].includes(r.unit as string)) fail(`${p}.unit`, "one of 's', 'GFLOP/s', 'GB/s', 'images/s', 'evaluations/s'");
    for (const k of ['first', 'median', 'p90']) if (!isNum(r[k]) || (r[k] as number) < 0) fail(`${p}.${k}`, 'a non-negative number');
    if (!Number.isInteger(r.runs) || (r.runs as number) < 1) fail(`${p}.runs`, 'a positive integer');
    const s = obj(r.shape, `${p}.shape`);
    for (const [k, sv] of Object.entries(s)) if (!isNum(sv) && !isStr(sv)) fail(`${p}.shape.${k}`, 'a number or a string');
    if (r.adapter !== undefined && !isStr(r.adapter)) fail(`${p}.adapter`, 'a string');
    if (r.anchor !== undefined) {
      const a = obj(r.anchor, `${p}.anchor`);
      if (!isStr(a.name) || !isNum(a.median)) fail(`${p}.anchor`, '{ name: string, median: number, ... }');
      if (!isNum(r.ratio)) fail(`${p}.ratio`, 'a number when an anchor is given');
    }
  });
  if (!Array.isArray(f.skipped)) fail('skipped', 'an array');
  return f as unknown as BenchFile;
}
