// Throughput of the CPU trainer's f32 GEMM kernels (assembly/train/conv2d.ts, dense.ts, gemm.ts in
// build/train.wasm and build/train-relaxed.wasm), single-threaded, on the layers of the default
// network at batch 128 plus a plain 512³ sgemm as the ceiling. Each kernel is first checked
// against its float64 twin (src/train/reference/) on a batch-1 prefix of the layer (batch 4 for
// dense), then timed: the first call apart (Liftoff code, tier-up, page faults), then after
// 0.2 s of untimed calls (tier-up done) the median of warm calls. GFLOP/s = 2·MACs / time,
// counting every tap as PyTorch does.
//
//   npx tsx bench/train-wasm-kernels.ts   (both builds where the runtime has relaxed SIMD; Node 20 turns it on)
//   BENCH_REPS=n warm calls (default 9), BENCH_BATCH=n batch (default 128),
//   BENCH_ONLY=text layers whose name contains it, BENCH_BUILD=baseline|relaxed one build
import { requestRelaxedSimd } from '../src/platform/index.ts';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { machine, median } from './harness.ts';
import { Rng } from '../src/random/rng.ts';
import { conv2dForwardReference, conv2dGradInputReference, conv2dGradWeightReference } from '../src/train/reference/conv2d.ts';
import { denseBackwardReference, denseForwardReference } from '../src/train/reference/dense.ts';
import { TrainModule, type SimdFlavour } from '../src/train/wasm/module.ts';

type Kernel = (...a: number[]) => number;

export interface ConvLayer { kind: 'conv'; name: string; n: number; cin: number; cout: number; h: number; w: number; k: number }
export interface DenseLayer { kind: 'dense'; name: string; batch: number; inF: number; outF: number; relu: boolean }
export interface GemmShape { kind: 'gemm'; name: string; m: number; n: number; k: number }
export type BenchLayer = ConvLayer | DenseLayer | GemmShape;

export interface Row {
  build: SimdFlavour;
  layer: string;
  /** e.g. "128, 3→128, 16×16, k5" */
  shape: string;
  kernel: 'forward' | 'grad-input' | 'grad-weight' | 'backward' | 'sgemm';
  flops: number;
  /** seconds of the first call */
  first: number;
  /** median seconds of the warm calls */
  median: number;
  /** fastest warm call (seconds): on a shared machine, the closest to the kernel's own speed */
  best: number;
  /** GFLOP/s of the median call */
  gflops: number;
  /** worst |error| / tolerance of the prefix check (< 1 passes); undefined for sgemm */
  check?: number;
}

export interface BenchOptions {
  /** builds to run (default: baseline, and relaxed where this runtime validates it) */
  flavours?: SimdFlavour[];
  layers?: BenchLayer[];
  /** warm calls per kernel (default 9; 3 with quick) */
  reps?: number;
  /** fewer warm calls and a shorter time budget per kernel */
  quick?: boolean;
  /** stop a kernel's warm calls after this many seconds (at least 3 calls; default 10, 2 with quick) */
  budgetS?: number;
  /** skip the prefix checks against the float64 twins */
  skipCheck?: boolean;
  /** called with each row as it is measured */
  onRow?: (row: Row) => void;
}

export function defaultLayers(batch = 128): BenchLayer[] {
  const conv = (name: string, n: number, cin: number, cout: number, size: number, k: number): ConvLayer =>
    ({ kind: 'conv', name, n, cin, cout, h: size, w: size, k });
  return [
    conv('conv 3→128 16² k5', batch, 3, 128, 16, 5),
    conv('conv 128→128 8² k5', batch, 128, 128, 8, 5),
    conv('conv 128→128 4² k5', batch, 128, 128, 4, 5),
    conv('conv 128→512 8² k3', batch, 128, 512, 8, 3),
    conv('conv 16→16 16² k3', 32, 16, 16, 16, 3),
    { kind: 'dense', name: 'dense 512→512', batch, inF: 512, outF: 512, relu: true },
    { kind: 'dense', name: 'dense 2048→32', batch, inF: 2048, outF: 32, relu: true },
    { kind: 'dense', name: 'dense 32→17', batch, inF: 32, outF: 17, relu: false },
    { kind: 'gemm', name: 'sgemm ceiling', m: 512, n: 512, k: 512 },
  ];
}

/** Builds this runtime can run: baseline always, relaxed where WebAssembly.validate accepts it. */
export async function availableFlavours(): Promise<SimdFlavour[]> {
  await requestRelaxedSimd(); // Node 20: as the trainer does
  const bytes = await readFile(new URL('../build/train-relaxed.wasm', import.meta.url));
  return WebAssembly.validate(bytes as BufferSource) ? ['baseline', 'relaxed'] : ['baseline'];
}

function randoms(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

/** Worst |got − want| / (2^−20·√L·mag + 2^−40) (the tests' float32 summation bound). */
function worstRatio(what: string, got: ArrayLike<number>, want: ArrayLike<number>, mag: ArrayLike<number>, terms: number): number {
  let worst = 0;
  const scale = 2 ** -20 * Math.sqrt(terms);
  for (let i = 0; i < want.length; i++) {
    const r = Math.abs(got[i] - want[i]) / (scale * mag[i] + 2 ** -40);
    if (!(r <= 1)) throw new Error(`${what}: element ${i} is ${got[i]}, the twin says ${want[i]}`);
    worst = Math.max(worst, r);
  }
  return worst;
}

/** Tensors of one layer in one module, with NaN-filled outputs and workspace. */
class Buffers {
  private ptrs: number[] = [];
  constructor(private m: TrainModule) {}
  put(a: Float32Array): number {
    const p = this.m.alloc(a.length * 4, 'bench');
    this.m.write(p, a);
    this.ptrs.push(p);
    return p;
  }
  nan(count: number): number {
    return this.put(new Float32Array(count).fill(NaN));
  }
  free(): void {
    for (const p of this.ptrs) this.m.free(p);
    this.ptrs = [];
  }
}

interface Prepared {
  calls: { kernel: Row['kernel']; flops: number; run: () => void }[];
  free: () => void;
}

function prepareConv(m: TrainModule, l: ConvLayer, seed: number): Prepared & { read: () => { y: Float32Array; dx: Float32Array; dw: Float32Array; db: Float32Array }; data: { x: Float32Array; w: Float32Array; b: Float32Array; dy: Float32Array } } {
  const { n, cin, cout, h, w, k } = l;
  const rng = new Rng(seed);
  const data = { x: randoms(rng, n * cin * h * w), w: randoms(rng, cout * cin * k * k), b: randoms(rng, cout), dy: randoms(rng, n * cout * h * w) };
  const B = new Buffers(m);
  const x = B.put(data.x), wt = B.put(data.w), b = B.put(data.b), dy = B.put(data.dy);
  const y = B.nan(n * cout * h * w), dx = B.nan(n * cin * h * w), dw = B.nan(cout * cin * k * k), db = B.nan(cout);
  const ws = B.nan(Math.ceil((m.fn<Kernel>('conv2dWorkspaceBytes')(n, cin, cout, h, w, k) >>> 0) / 4));
  const flops = 2 * n * h * w * cout * cin * k * k;
  const fwd = m.fn<Kernel>('conv2dForward'), gi = m.fn<Kernel>('conv2dGradInput'), gw = m.fn<Kernel>('conv2dGradWeight');
  return {
    data,
    calls: [
      { kernel: 'forward', flops, run: () => fwd(x, wt, b, y, n, cin, cout, h, w, k, ws) },
      { kernel: 'grad-input', flops, run: () => gi(dy, wt, dx, n, cin, cout, h, w, k, ws) },
      { kernel: 'grad-weight', flops, run: () => gw(x, dy, dw, db, n, cin, cout, h, w, k, ws) },
    ],
    read: () => ({ y: m.readF32(y, n * cout * h * w), dx: m.readF32(dx, n * cin * h * w), dw: m.readF32(dw, cout * cin * k * k), db: m.readF32(db, cout) }),
    free: () => B.free(),
  };
}

function prepareDense(m: TrainModule, l: DenseLayer, seed: number) {
  const { batch, inF, outF } = l;
  const rng = new Rng(seed);
  const data = { x: randoms(rng, batch * inF), w: randoms(rng, outF * inF), b: randoms(rng, outF), dy: randoms(rng, batch * outF) };
  const B = new Buffers(m);
  const x = B.put(data.x), wt = B.put(data.w), b = B.put(data.b), dy = B.put(data.dy);
  const y = B.nan(batch * outF), dx = B.nan(batch * inF), dw = B.nan(outF * inF), db = B.nan(outF);
  const ws = B.nan(Math.ceil((m.fn<Kernel>('denseWorkspaceBytes')(batch, inF, outF) >>> 0) / 4));
  const flops = 2 * batch * inF * outF;
  const fwd = m.fn<Kernel>('denseForward'), bwd = m.fn<Kernel>('denseBackward');
  return {
    data,
    calls: [
      { kernel: 'forward' as const, flops, run: () => fwd(x, wt, b, y, batch, inF, outF, l.relu ? 1 : 0, ws) },
      { kernel: 'backward' as const, flops: 2 * flops, run: () => bwd(x, wt, dy, dx, dw, db, batch, inF, outF, ws) },
    ],
    read: () => ({ y: m.readF32(y, batch * outF), dx: m.readF32(dx, batch * inF), dw: m.readF32(dw, outF * inF), db: m.readF32(db, outF) }),
    free: () => B.free(),
  };
}

function prepareGemm(m: TrainModule, g: GemmShape): Prepared {
  const rng = new Rng(5);
  const B = new Buffers(m);
  const a = B.put(randoms(rng, g.m * g.k)), b = B.put(randoms(rng, g.k * g.n)), c = B.nan(g.m * g.n);
  const ws = B.nan(Math.ceil((m.fn<Kernel>('sgemmWorkspaceBytes')(g.m, g.n, g.k) >>> 0) / 4));
  const f = m.fn<Kernel>('sgemmPeak');
  return { calls: [{ kernel: 'sgemm', flops: 2 * g.m * g.n * g.k, run: () => f(g.m, g.n, g.k, a, b, c, ws) }], free: () => B.free() };
}

/** Worst error / tolerance of the conv kernels on a batch-1 prefix of the layer. */
function checkConv(m: TrainModule, l: ConvLayer): Record<string, number> {
  const s = { ...l, n: 1 };
  const p = prepareConv(m, s, 1);
  for (const c of p.calls) c.run();
  const got = p.read();
  p.free();
  const shape = { batch: 1, inChannels: l.cin, outChannels: l.cout, height: l.h, width: l.w, kernelSize: l.k };
  const d = p.data;
  const abs = (a: Float32Array) => a.map(Math.abs);
  const gw = conv2dGradWeightReference(shape, d.x, d.dy), gwMag = conv2dGradWeightReference(shape, abs(d.x), abs(d.dy));
  const kk = l.k * l.k, pixels = l.h * l.w;
  return {
    forward: worstRatio('forward', got.y, conv2dForwardReference(shape, d.x, d.w, d.b), conv2dForwardReference(shape, abs(d.x), abs(d.w), abs(d.b)), l.cin * kk + 1),
    'grad-input': worstRatio('grad-input', got.dx, conv2dGradInputReference(shape, d.dy, d.w), conv2dGradInputReference(shape, abs(d.dy), abs(d.w)), l.cout * kk),
    'grad-weight': Math.max(worstRatio('grad-weight dW', got.dw, gw.dw, gwMag.dw, pixels), worstRatio('grad-weight db', got.db, gw.db, gwMag.db, pixels)),
  };
}

/** Worst error / tolerance of the dense kernels at batch 4. */
function checkDense(m: TrainModule, l: DenseLayer): Record<string, number> {
  const s = { ...l, batch: 4 };
  const p = prepareDense(m, s, 1);
  for (const c of p.calls) c.run();
  const got = p.read();
  p.free();
  const shape = { batch: 4, inFeatures: l.inF, outFeatures: l.outF };
  const d = p.data;
  const abs = (a: Float32Array) => a.map(Math.abs);
  const fw = denseForwardReference(shape, d.x, d.w, d.b, l.relu), fwMag = denseForwardReference(shape, abs(d.x), abs(d.w), abs(d.b));
  const bw = denseBackwardReference(shape, d.x, d.w, d.dy), bwMag = denseBackwardReference(shape, abs(d.x), abs(d.w), abs(d.dy));
  return {
    forward: worstRatio('dense forward', got.y, fw, fwMag, l.inF + 1),
    backward: Math.max(
      worstRatio('dense dx', got.dx, bw.dx, bwMag.dx, l.outF),
      worstRatio('dense dW', got.dw, bw.dw, bwMag.dw, 4),
      worstRatio('dense db', got.db, bw.db, bwMag.db, 4),
    ),
  };
}

function shapeOf(l: BenchLayer): string {
  switch (l.kind) {
    case 'conv': return `${l.n}, ${l.cin}→${l.cout}, ${l.h}×${l.w}, k${l.k}`;
    case 'dense': return `${l.batch}, ${l.inF}→${l.outF}${l.relu ? ', relu' : ''}`;
    case 'gemm': return `${l.m}×${l.n}×${l.k}`;
  }
}

/** Check and time every kernel of every layer in every build; one row per (build, layer, kernel). */
export async function benchWasmKernels(opts: BenchOptions = {}): Promise<Row[]> {
  const flavours = opts.flavours ?? await availableFlavours();
  const layers = opts.layers ?? defaultLayers();
  const reps = opts.reps ?? (opts.quick ? 3 : 9);
  const budgetS = opts.budgetS ?? (opts.quick ? 2 : 10);
  const rows: Row[] = [];
  for (const build of flavours) {
    const m = await TrainModule.create(build);
    if (m.flavour !== build) throw new Error(`benchWasmKernels: asked for the ${build} build, got ${m.flavour}`);
    for (const l of layers) {
      const checks = opts.skipCheck || l.kind === 'gemm' ? {} : l.kind === 'conv' ? checkConv(m, l) : checkDense(m, l);
      const p = l.kind === 'conv' ? prepareConv(m, l, 2) : l.kind === 'dense' ? prepareDense(m, l, 2) : prepareGemm(m, l);
      for (const c of p.calls) {
        let t0 = performance.now();
        c.run();
        const first = (performance.now() - t0) / 1000;
        // untimed calls for 0.2 s more: V8 tiers hot functions up from Liftoff to TurboFan in the
        // background, and a microsecond kernel would otherwise be timed on its baseline code
        const warmUntil = performance.now() + 200;
        for (let i = 0; i < 1000 && performance.now() < warmUntil; i++) c.run();
        const times: number[] = [];
        const start = performance.now();
        for (let i = 0; i < reps; i++) {
          t0 = performance.now();
          c.run();
          times.push((performance.now() - t0) / 1000);
          if ((performance.now() - start) / 1000 > budgetS && times.length >= 3) break;
        }
        const med = median(times);
        const row: Row = {
          build, layer: l.name, shape: shapeOf(l), kernel: c.kernel, flops: c.flops, first, median: med, best: Math.min(...times), gflops: c.flops / med / 1e9,
          check: (checks as Record<string, number>)[c.kernel],
        };
        rows.push(row);
        opts.onRow?.(row);
      }
      p.free();
    }
  }
  return rows;
}

/** A markdown table of the rows. */
export function formatRows(rows: Row[]): string {
  const lines = [
    '| build | layer | shape | kernel | check (err/tol) | first call | median | GFLOP/s | best call | GFLOP/s |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const check = r.check === undefined ? '' : `ok (${(r.check * 100).toFixed(1)}%)`;
    lines.push(`| ${r.build} | ${r.layer} | ${r.shape} | ${r.kernel} | ${check} | ${(r.first * 1000).toFixed(2)} ms | ${(r.median * 1000).toFixed(2)} ms | ${r.gflops.toFixed(1)} | ${(r.best * 1000).toFixed(2)} ms | ${(r.flops / r.best / 1e9).toFixed(1)} |`);
  }
  return lines.join('\n');
}

/** Print the rows under a heading (the form bench/train.ts shows them in). */
export function printWasmKernels(rows: Row[]): void {
  const builds = [...new Set(rows.map((r) => r.build))];
  console.log(`### f32 GEMM kernels in WebAssembly (one thread; builds: ${builds.join(', ')})\n`);
  console.log(formatRows(rows));
  for (const b of builds) {
    const peak = rows.find((r) => r.build === b && r.kernel === 'sgemm');
    if (peak) console.log(`\n${b}: sgemm ceiling ${peak.gflops.toFixed(1)} GFLOP/s (${peak.shape})`);
  }
}

async function main(): Promise<void> {
  const reps = Number(process.env.BENCH_REPS ?? 9);
  const batch = Number(process.env.BENCH_BATCH ?? 128);
  const only = process.env.BENCH_ONLY;
  const flavours = (await availableFlavours()).filter((f) => !process.env.BENCH_BUILD || f === process.env.BENCH_BUILD);
  console.log(`# CPU trainer f32 kernels (wasm SIMD, one thread), builds: ${flavours.join(', ')}${flavours.length === 1 ? ' (run node with --experimental-wasm-relaxed-simd for the relaxed one)' : ''}`);
  console.log(`# ${machine()}; batch ${batch}; checked on a batch-1 prefix (dense: 4) against the float64 twins; first call apart, then the median of up to ${reps} warm calls\n`);
  const layers = defaultLayers(batch).filter((l) => !only || l.name.includes(only));
  const rows = await benchWasmKernels({ flavours, reps, layers });
  printWasmKernels(rows);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
