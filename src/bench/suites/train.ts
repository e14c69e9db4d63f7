// The training suites of `paretonas bench` and of the benchmark page, in Node, Deno and browsers:
//
// 'train-kernels': GFLOP/s of the f32 training kernels (conv forward / grad-input / grad-weight,
// dense forward / backward) on the layers of the paper's default network at batch 128, and a plain
// SGEMM as the ceiling, on every backend here: the WebAssembly CPU module (baseline SIMD, and the
// relaxed-SIMD build where the runtime validates it), and WebGPU (a hardware adapter always; a
// software one only with `softwareGpu`, on the quick shapes, since it runs WGSL at a few GFLOP/s).
// Each kernel is first run on a prefix of its layer (batch 1, dense batch 4, 4 SGEMM rows) and
// compared with its float64 twin (src/train/reference/) within the float32 summation bound
// 2^-20·√L·Σ|term| that the tests use (a disagreement throws: no figures of a wrong answer); then
// the first call is timed apart, and the median of warm calls after the WebAssembly code has
// tiered up (GPU calls wait for onSubmittedWorkDone).
// GFLOP/s = 2·MACs / time, counting every tap as PyTorch does.
//
// 'train': training images/s of named configurations (TRAIN_CONFIGS) on synthetic data of
// Flowers' shape (3×16×16, 17 classes), so that no data files are needed: the first epoch (build,
// compilation, first touch) apart, then the median epoch. In Node each training runs in its own
// process (its peak memory is its own), once alone and once per core at once, beside PyTorch on
// the same CPU (bench/anchors/torch_train.py with `python`) — train-node.ts, loaded only in Node.
import { acquireGpu, type Gpu } from '../../gpu/device.ts';
import { GpuRuntime, type DispatchSpec, type PreparedDispatch } from '../../gpu/runtime.ts';
import { probeHardwareAdapter } from '../../platform/gpu.ts';
import { now, runtime } from '../../platform/index.ts';
import type { Dataset } from '../../datasets/index.ts';
import { Rng } from '../../random/rng.ts';
import { nasSpace, toNetworkConfig } from '../../space/nas.ts';
import type { Config } from '../../space/types.ts';
import { openBackend, WebGpuBackend } from '../../train/backends/index.ts';
import { CONV2D_SHADERS, conv2dForward, conv2dGradInput, conv2dGradWeight, conv2dGradWeightScratchBytes, type Conv2dShape } from '../../train/kernels/conv2d.ts';
import { DENSE_SHADERS, denseBackward, denseForward, denseWorkspaceFloats, gemm, gemmWorkspaceFloats, type DenseShape } from '../../train/kernels/dense.ts';
import { networkSpec, type NetworkSpec } from '../../train/network.ts';
import { conv2dForwardReference, conv2dGradInputReference, conv2dGradWeightReference } from '../../train/reference/conv2d.ts';
import { denseBackwardReference, denseForwardReference } from '../../train/reference/dense.ts';
import { networkForwardReference } from '../../train/reference/network.ts';
import { softmaxCrossEntropyReference } from '../../train/reference/softmax-cross-entropy.ts';
import { trainAndEvaluate } from '../../train/trainer.ts';
import { TrainModule, type SimdFlavour } from '../../train/wasm/module.ts';
import { measure, median, quantile, resultFrom, type Suite, type SuiteContext, type SuiteOutput, type Timing } from '../harness.ts';
import { speedup, type AdapterInfo, type AnchorStatus, type BenchResult } from '../schema.ts';

// ---------------------------------------------------------------------------------------------
// Layers and kernels

/** A layer whose kernels are timed. */
export type KernelLayer =
  | { kind: 'conv'; shape: Conv2dShape }
  | { kind: 'dense'; shape: DenseShape; relu: boolean }
  | { kind: 'sgemm'; m: number; n: number; k: number };

export type KernelName = 'conv forward' | 'conv grad-input' | 'conv grad-weight' | 'dense forward' | 'dense backward' | 'sgemm';

const conv = (batch: number, inChannels: number, outChannels: number, size: number, kernelSize: number): KernelLayer =>
  ({ kind: 'conv', shape: { batch, inChannels, outChannels, height: size, width: size, kernelSize } });
const dense = (batch: number, inFeatures: number, outFeatures: number, relu: boolean): KernelLayer =>
  ({ kind: 'dense', shape: { batch, inFeatures, outFeatures }, relu });

/**
 * The default network's layers at batch 128 (3×128 conv k5 on 16², 8², 4²), a wide conv (the
 * 512-width configurations), the smallest configuration's conv (batch 32), the dense layers of
 * wide and default networks, and a 512³ SGEMM (the ceiling of the GEMM path).
 */
export function kernelLayers(quick: boolean): KernelLayer[] {
  if (quick) return [conv(4, 3, 16, 16, 5), conv(4, 16, 16, 8, 3), dense(8, 64, 32, true), { kind: 'sgemm', m: 128, n: 128, k: 128 }];
  return [
    conv(128, 3, 128, 16, 5), conv(128, 128, 128, 8, 5), conv(128, 128, 128, 4, 5), conv(128, 128, 512, 8, 3), conv(32, 16, 16, 16, 3),
    dense(128, 512, 512, true), dense(128, 2048, 32, true), dense(128, 32, 17, false),
    { kind: 'sgemm', m: 512, n: 512, k: 512 },
  ];
}

/** The layer's size, as result rows carry it. */
function shapeOf(l: KernelLayer): Record<string, number> {
  switch (l.kind) {
    case 'conv': return { ...l.shape };
    case 'dense': return { ...l.shape, relu: l.relu ? 1 : 0 };
    case 'sgemm': return { m: l.m, n: l.n, k: l.k };
  }
}

/** The same layer at the batch (rows) its check runs on. */
function checkLayer(l: KernelLayer): KernelLayer {
  switch (l.kind) {
    case 'conv': return { ...l, shape: { ...l.shape, batch: 1 } };
    case 'dense': return { ...l, shape: { ...l.shape, batch: Math.min(4, l.shape.batch) } };
    case 'sgemm': return { ...l, m: Math.min(4, l.m) };
  }
}

/** Random inputs of a layer, uniform in [-1, 1). */
interface LayerInputs {
  /** conv/dense: x, w, b, dy; sgemm: a, b */
  [name: string]: Float32Array;
}

function layerInputs(l: KernelLayer, seed: number): LayerInputs {
  const rng = new Rng(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  if (l.kind === 'sgemm') return { a: fill(l.m * l.k), b: fill(l.k * l.n) };
  if (l.kind === 'dense') {
    const { batch, inFeatures: i, outFeatures: o } = l.shape;
    return { x: fill(batch * i), w: fill(o * i), b: fill(o), dy: fill(batch * o) };
  }
  const { batch: n, inChannels: ci, outChannels: co, height: h, width: w, kernelSize: k } = l.shape;
  return { x: fill(n * ci * h * w), w: fill(co * ci * k * k), b: fill(co), dy: fill(n * co * h * w) };
}

/** The outputs each kernel writes, by name. */
const OUTPUTS: Record<KernelName, string[]> = {
  'conv forward': ['y'], 'conv grad-input': ['dx'], 'conv grad-weight': ['dw', 'db'],
  'dense forward': ['y'], 'dense backward': ['dx', 'dw', 'db'], sgemm: ['c'],
};

/** What a float64 twin says an output is, the same with |inputs| (the bound's Σ|term|), and L. */
interface Expected {
  want: Float64Array;
  mag: Float64Array;
  terms: number;
  twin: string;
}

/** The float64 twins of every output of a layer's kernels (src/train/reference/). */
function expectedOutputs(l: KernelLayer, d: LayerInputs): Record<string, Expected> {
  const abs = (a: Float32Array) => a.map(Math.abs);
  if (l.kind === 'conv') {
    const s = l.shape, kk = s.kernelSize ** 2, pixels = s.batch * s.height * s.width;
    const gw = conv2dGradWeightReference(s, d.x, d.dy), gwMag = conv2dGradWeightReference(s, abs(d.x), abs(d.dy));
    return {
      y: { want: conv2dForwardReference(s, d.x, d.w, d.b), mag: conv2dForwardReference(s, abs(d.x), abs(d.w), abs(d.b)), terms: s.inChannels * kk + 1, twin: 'conv2dForwardReference' },
      dx: { want: conv2dGradInputReference(s, d.dy, d.w), mag: conv2dGradInputReference(s, abs(d.dy), abs(d.w)), terms: s.outChannels * kk, twin: 'conv2dGradInputReference' },
      dw: { want: gw.dw, mag: gwMag.dw, terms: pixels, twin: 'conv2dGradWeightReference' },
      db: { want: gw.db, mag: gwMag.db, terms: pixels, twin: 'conv2dGradWeightReference' },
    };
  }
  if (l.kind === 'dense') {
    const s = l.shape;
    const bw = denseBackwardReference(s, d.x, d.w, d.dy), bwMag = denseBackwardReference(s, abs(d.x), abs(d.w), abs(d.dy));
    return {
      y: { want: denseForwardReference(s, d.x, d.w, d.b, l.relu), mag: denseForwardReference(s, abs(d.x), abs(d.w), abs(d.b)), terms: s.inFeatures + 1, twin: 'denseForwardReference' },
      dx: { want: bw.dx, mag: bwMag.dx, terms: s.outFeatures, twin: 'denseBackwardReference' },
      dw: { want: bw.dw, mag: bwMag.dw, terms: s.batch, twin: 'denseBackwardReference' },
      db: { want: bw.db, mag: bwMag.db, terms: s.batch, twin: 'denseBackwardReference' },
    };
  }
  // C = A·B is the dense forward of A with weights Bᵀ and no bias.
  const bt = new Float32Array(l.k * l.n);
  for (let r = 0; r < l.k; r++) for (let c = 0; c < l.n; c++) bt[c * l.k + r] = d.b[r * l.n + c];
  const s = { batch: l.m, inFeatures: l.k, outFeatures: l.n };
  return { c: { want: denseForwardReference(s, d.a, bt), mag: denseForwardReference(s, abs(d.a), abs(bt)), terms: l.k, twin: 'denseForwardReference (C = A·B)' } };
}

/** Worst |got − want| / (2^−20·√L·Σ|term| + 2^−40); throws naming the first element past the bound. */
function worstRatio(what: string, got: ArrayLike<number>, e: Expected): number {
  let worst = 0;
  const scale = 2 ** -20 * Math.sqrt(e.terms);
  for (let i = 0; i < e.want.length; i++) {
    const r = Math.abs(got[i] - e.want[i]) / (scale * e.mag[i] + 2 ** -40);
    if (!(r <= 1)) throw new Error(`${what}: element ${i} is ${got[i]}, the float64 twin ${e.twin} says ${e.want[i]}`);
    worst = Math.max(worst, r);
  }
  return worst;
}

/** One kernel of a layer loaded on a backend, ready to call. */
interface LoadedKernel {
  kernel: KernelName;
  /** floating-point operations of one call */
  flops: number;
  run(): void | Promise<void>;
}

interface LoadedLayer {
  kernels: LoadedKernel[];
  /** copies of the outputs the kernels wrote */
  outputs(): Promise<Record<string, Float32Array>>;
  free(): void;
}

/** A backend the kernels run on: 'wasm' (baseline SIMD), 'wasm-relaxed', 'webgpu'. */
interface KernelBackend {
  name: string;
  adapter?: string;
  /** software WebGPU adapter: quick shapes only */
  software?: boolean;
  load(l: KernelLayer, d: LayerInputs): LoadedLayer;
  dispose(): void;
}

function layerFlops(l: KernelLayer): number {
  switch (l.kind) {
    case 'conv': return 2 * l.shape.batch * l.shape.height * l.shape.width * l.shape.outChannels * l.shape.inChannels * l.shape.kernelSize ** 2;
    case 'dense': return 2 * l.shape.batch * l.shape.inFeatures * l.shape.outFeatures;
    case 'sgemm': return 2 * l.m * l.n * l.k;
  }
}

type WasmKernel = (...a: number[]) => number;

async function wasmBackend(flavour: SimdFlavour): Promise<KernelBackend | undefined> {
  const m = await TrainModule.create(flavour);
  if (m.flavour !== flavour) return undefined; // the runtime does not validate relaxed SIMD
  return {
    name: flavour === 'relaxed' ? 'wasm-relaxed' : 'wasm',
    load(l, d) {
      const ptrs: number[] = [];
      const put = (a: Float32Array) => {
        const p = m.alloc(a.length * 4, 'bench');
        m.write(p, a);
        ptrs.push(p);
        return p;
      };
      // outputs start as NaN, so a kernel that skips an element fails its check
      const nan = (n: number) => put(new Float32Array(n).fill(NaN));
      const out: Record<string, [number, number]> = {};
      const flops = layerFlops(l);
      let kernels: LoadedKernel[];
      if (l.kind === 'conv') {
        const { batch: n, inChannels: ci, outChannels: co, height: h, width: w, kernelSize: k } = l.shape;
        const x = put(d.x), wt = put(d.w), b = put(d.b), dy = put(d.dy);
        out.y = [nan(n * co * h * w), n * co * h * w];
        out.dx = [nan(n * ci * h * w), n * ci * h * w];
        out.dw = [nan(co * ci * k * k), co * ci * k * k];
        out.db = [nan(co), co];
        const ws = nan(Math.ceil((m.fn<WasmKernel>('conv2dWorkspaceBytes')(n, ci, co, h, w, k) >>> 0) / 4));
        const fwd = m.fn<WasmKernel>('conv2dForward'), gi = m.fn<WasmKernel>('conv2dGradInput'), gw = m.fn<WasmKernel>('conv2dGradWeight');
        kernels = [
          { kernel: 'conv forward', flops, run: () => void fwd(x, wt, b, out.y[0], n, ci, co, h, w, k, ws) },
          { kernel: 'conv grad-input', flops, run: () => void gi(dy, wt, out.dx[0], n, ci, co, h, w, k, ws) },
          { kernel: 'conv grad-weight', flops, run: () => void gw(x, dy, out.dw[0], out.db[0], n, ci, co, h, w, k, ws) },
        ];
      } else if (l.kind === 'dense') {
        const { batch, inFeatures: i, outFeatures: o } = l.shape;
        const x = put(d.x), wt = put(d.w), b = put(d.b), dy = put(d.dy);
        out.y = [nan(batch * o), batch * o];
        out.dx = [nan(batch * i), batch * i];
        out.dw = [nan(o * i), o * i];
        out.db = [nan(o), o];
        const ws = nan(Math.ceil((m.fn<WasmKernel>('denseWorkspaceBytes')(batch, i, o) >>> 0) / 4));
        const fwd = m.fn<WasmKernel>('denseForward'), bwd = m.fn<WasmKernel>('denseBackward');
        kernels = [
          { kernel: 'dense forward', flops, run: () => void fwd(x, wt, b, out.y[0], batch, i, o, l.relu ? 1 : 0, ws) },
          { kernel: 'dense backward', flops: 2 * flops, run: () => void bwd(x, wt, dy, out.dx[0], out.dw[0], out.db[0], batch, i, o, ws) },
        ];
      } else {
        const a = put(d.a), b = put(d.b);
        out.c = [nan(l.m * l.n), l.m * l.n];
        const ws = nan(Math.ceil((m.fn<WasmKernel>('sgemmWorkspaceBytes')(l.m, l.n, l.k) >>> 0) / 4));
        const f = m.fn<WasmKernel>('sgemmPeak');
        kernels = [{ kernel: 'sgemm', flops, run: () => void f(l.m, l.n, l.k, a, b, out.c[0], ws) }];
      }
      return {
        kernels,
        outputs: async () => Object.fromEntries(Object.entries(out).map(([k, [p, n]]) => [k, m.readF32(p, n)])),
        free: () => {
          for (const p of ptrs) m.free(p);
        },
      };
    },
    dispose() {},
  };
}

/**
 * The adapter's name as the results and the machine description give it (AdapterInfo.name:
 * description, vendor and architecture), from the device where it tells (GPUDevice.adapterInfo).
 */
export function adapterName(gpu: Gpu): string {
  const i = (gpu.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return (i && [i.description, i.vendor, i.architecture].filter((s) => s).join(' / ')) || gpu.adapter;
}

/** The adapter of a device, for SuiteOutput.adapter: its limits and features are the device's. */
function adapterInfoOf(gpu: Gpu): AdapterInfo {
  const i = (gpu.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const limits: Record<string, number> = {};
  for (const k in gpu.device.limits) {
    const v = (gpu.device.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number') limits[k] = v;
  }
  return {
    name: adapterName(gpu), vendor: i?.vendor || undefined, architecture: i?.architecture || undefined, description: i?.description || undefined,
    software: gpu.software, limits, features: [...gpu.device.features].map(String).sort(),
  };
}

async function gpuBackend(gpu: Gpu): Promise<KernelBackend> {
  const rt = await GpuRuntime.create(gpu, [...CONV2D_SHADERS, ...DENSE_SHADERS]);
  const device = gpu.device;
  const maxWorkgroupsPerDimension = device.limits.maxComputeWorkgroupsPerDimension;
  return {
    name: 'webgpu',
    adapter: adapterName(gpu),
    software: gpu.software,
    load(l, d) {
      const bufs: GPUBuffer[] = [];
      const up = (a: Float32Array, label: string) => {
        const b = rt.upload(a, label);
        bufs.push(b);
        return b;
      };
      const nan = (n: number, label: string) => up(new Float32Array(n).fill(NaN), label);
      const out: Record<string, [GPUBuffer, number]> = {};
      const flops = layerFlops(l);
      const specs: [KernelName, number, DispatchSpec[]][] = [];
      if (l.kind === 'conv') {
        const s = l.shape, { batch: n, inChannels: ci, outChannels: co, height: h, width: w, kernelSize: k } = s;
        const x = up(d.x, 'x'), wt = up(d.w, 'w'), b = up(d.b, 'b'), dy = up(d.dy, 'dy');
        out.y = [nan(n * co * h * w, 'y'), n * co * h * w];
        out.dx = [nan(n * ci * h * w, 'dx'), n * ci * h * w];
        out.dw = [nan(co * ci * k * k, 'dw'), co * ci * k * k];
        out.db = [nan(co, 'db'), co];
        const scratchBytes = conv2dGradWeightScratchBytes(s, { maxWorkgroupsPerDimension });
        const scratch = scratchBytes > 0 ? nan(scratchBytes / 4, 'grad-weight scratch') : undefined;
        specs.push(
          ['conv forward', flops, conv2dForward(s, { x, w: wt, b, y: out.y[0] }, { maxWorkgroupsPerDimension })],
          ['conv grad-input', flops, conv2dGradInput(s, { dy, w: wt, dx: out.dx[0] }, { maxWorkgroupsPerDimension })],
          ['conv grad-weight', flops, conv2dGradWeight(s, { x, dy, dw: out.dw[0], db: out.db[0], scratch }, { maxWorkgroupsPerDimension })],
        );
      } else if (l.kind === 'dense') {
        const s = l.shape, { batch, inFeatures: i, outFeatures: o } = s;
        const x = up(d.x, 'x'), weight = up(d.w, 'w'), bias = up(d.b, 'b'), dy = up(d.dy, 'dy');
        out.y = [nan(batch * o, 'y'), batch * o];
        out.dx = [nan(batch * i, 'dx'), batch * i];
        out.dw = [nan(o * i, 'dw'), o * i];
        out.db = [nan(o, 'db'), o];
        const wsFloats = denseWorkspaceFloats(s);
        const workspace = wsFloats > 0 ? nan(wsFloats, 'workspace') : undefined;
        specs.push(
          ['dense forward', flops, denseForward(s, { x, weight, bias, y: out.y[0], workspace }, { relu: l.relu })],
          ['dense backward', 2 * flops, denseBackward(s, { x, weight, dy, dx: out.dx[0], dweight: out.dw[0], dbias: out.db[0], workspace })],
        );
      } else {
        const a = up(d.a, 'a'), b = up(d.b, 'b');
        out.c = [nan(l.m * l.n, 'c'), l.m * l.n];
        const wsFloats = gemmWorkspaceFloats(l.m, l.n, l.k);
        const workspace = wsFloats > 0 ? nan(wsFloats, 'workspace') : undefined;
        specs.push(['sgemm', flops, gemm({ m: l.m, n: l.n, k: l.k }, { a, b, c: out.c[0], workspace })]);
      }
      const prepared: PreparedDispatch[][] = [];
      const kernels = specs.map(([kernel, f, s]): LoadedKernel => {
        let p: PreparedDispatch[] | undefined;
        return {
          kernel, flops: f,
          // pipelines and bind groups are built on the first call (timed with it), then re-encoded
          run: async () => {
            if (!p) prepared.push((p = s.map((x) => rt.prepare(x))));
            const enc = device.createCommandEncoder({ label: `bench ${kernel}` });
            rt.encode(enc, p, kernel);
            device.queue.submit([enc.finish()]);
            await device.queue.onSubmittedWorkDone();
          },
        };
      });
      return {
        kernels,
        outputs: async () => Object.fromEntries(await Promise.all(Object.entries(out).map(async ([k, [b, n]]) => [k, await rt.readF32(b, n)] as const))),
        free: () => {
          for (const p of prepared.flat()) rt.release(p.uniform);
          for (const b of bufs) rt.release(b);
        },
      };
    },
    dispose: () => rt.destroy(),
  };
}

/** Run every kernel of `l` once on its check prefix and compare with the float64 twins. */
async function checkKernels(b: KernelBackend, l: KernelLayer, twins: () => { inputs: LayerInputs; expected: Record<string, Expected> }): Promise<Map<KernelName, string>> {
  const { inputs, expected } = twins();
  const loaded = b.load(checkLayer(l), inputs);
  try {
    for (const k of loaded.kernels) await k.run();
    const got = await loaded.outputs();
    const verdicts = new Map<KernelName, string>();
    const c = checkLayer(l);
    const at = c.kind === 'sgemm' ? `its first ${c.m} rows` : `batch ${c.shape.batch}`;
    for (const k of loaded.kernels) {
      const worst = Math.max(...OUTPUTS[k.kernel].map((o) => worstRatio(`${b.name} ${k.kernel} ${o}`, got[o], expected[o])));
      const twin = [...new Set(OUTPUTS[k.kernel].map((o) => expected[o].twin))].join(', ');
      verdicts.set(k.kernel, `matches its float64 twin ${twin} at ${at} within 2^-20·√L·Σ|term| (worst ${(100 * worst).toFixed(1)}% of the bound)`);
    }
    return verdicts;
  } finally {
    loaded.free();
  }
}

/**
 * The first call, then (WebAssembly) untimed calls until V8 has tiered the code up, then the warm
 * samples of measure() (which repeats a short call within a sample until the clock can see it).
 */
async function timeKernel(run: () => void | Promise<void>, warmS: number, runs: number, budgetS: number): Promise<Timing> {
  let t0 = now();
  await run();
  const first = (now() - t0) / 1000;
  // V8 compiles hot wasm functions again with TurboFan in the background: without these calls a
  // microsecond kernel would be timed on its Liftoff code
  t0 = now();
  for (let i = 0; i < 1000 && now() - t0 < warmS * 1000; i++) await run();
  const t = await measure(run, { runs, budgetS, minRuns: Math.min(3, runs) });
  // a first call shorter than the clock's resolution reads 0: a warm call's time is the best guess
  return { ...t, first: first > 0 ? first : t.median };
}

/** The WebGPU adapter the suites may use, or the reason there is none. */
async function gpuFor(ctx: SuiteContext): Promise<{ gpu: Gpu } | { reason: string }> {
  try {
    if (!ctx.softwareGpu && (await probeHardwareAdapter()) === undefined) {
      return { reason: 'no hardware WebGPU adapter here; a software one (SwiftShader, llvmpipe) is timed only when asked (--software-gpu)' };
    }
    const gpu = await acquireGpu();
    if (gpu.software && !ctx.softwareGpu) {
      gpu.dispose();
      return { reason: `the adapter is a software one (${gpu.adapter}); it is timed only when asked (--software-gpu)` };
    }
    return { gpu };
  } catch (err) {
    return { reason: (err as Error).message };
  }
}

async function runTrainKernels(ctx: SuiteContext): Promise<SuiteOutput> {
  const out: SuiteOutput = { results: [], anchors: [], skipped: [] };
  const backends: KernelBackend[] = [];
  for (const flavour of ['baseline', 'relaxed'] as const) {
    const b = await wasmBackend(flavour);
    if (b) backends.push(b);
    else out.skipped.push({ case: 'wasm-relaxed kernels', reason: 'this runtime does not validate relaxed SIMD (Node >= 22, Chrome >= 114 do)' });
  }
  const g = await gpuFor(ctx);
  if ('reason' in g) out.skipped.push({ case: 'webgpu kernels', reason: g.reason });
  else {
    backends.push(await gpuBackend(g.gpu));
    out.adapter = adapterInfoOf(g.gpu);
  }
  const twinsCache = new Map<KernelLayer, { inputs: LayerInputs; expected: Record<string, Expected> }>();
  const twinsOf = (l: KernelLayer) => () => {
    let t = twinsCache.get(l);
    if (!t) {
      const inputs = layerInputs(checkLayer(l), 1);
      twinsCache.set(l, (t = { inputs, expected: expectedOutputs(checkLayer(l), inputs) }));
    }
    return t;
  };
  try {
    for (const b of backends) {
      const gpu = b.name === 'webgpu';
      // a software adapter runs a full-size layer's kernel for seconds: quick shapes there
      const layers = kernelLayers(ctx.quick || b.software === true);
      const runs = ctx.quick ? 2 : gpu ? 20 : 9;
      const budgetS = ctx.quick ? 1 : 10;
      const warmS = gpu ? 0 : ctx.quick ? 0.05 : 0.2;
      ctx.log(`train-kernels: ${b.name}${b.adapter ? ` on ${b.adapter}` : ''}`);
      for (const l of layers) {
        // a kernel that disagrees with its twin throws: its figures would be of a wrong answer
        const verdicts = await checkKernels(b, l, twinsOf(l));
        const loaded = b.load(l, layerInputs(l, 2));
        try {
          for (const k of loaded.kernels) {
            const t = await timeKernel(k.run, warmS, runs, budgetS);
            const row = resultFrom(t, {
              suite: 'train-kernels', case: k.kernel, shape: shapeOf(l), backend: b.name, ...(b.adapter ? { adapter: b.adapter } : {}),
              unit: 'GFLOP/s', work: k.flops / 1e9, check: verdicts.get(k.kernel)!,
            });
            out.results.push(row);
            ctx.log(`  ${k.kernel} ${Object.values(shapeOf(l)).join('×')}: ${row.median.toFixed(2)} GFLOP/s`);
          }
        } finally {
          loaded.free();
        }
      }
      if (gpu && !('reason' in g)) {
        ctx.log('train-kernels: memory-bound kernels on webgpu');
        const { memoryBoundKernels } = await import('./train-memory.ts');
        out.results.push(...await memoryBoundKernels(g.gpu, b.adapter!, ctx, ctx.quick || b.software === true, (run) => timeKernel(run, warmS, runs, budgetS)));
      }
    }
  } finally {
    for (const b of backends) b.dispose();
    if (!('reason' in g)) g.gpu.dispose();
  }
  return out;
}

export const trainKernelsSuite: Suite = {
  name: 'train-kernels',
  description: 'GFLOP/s of the training kernels (conv, dense, SGEMM ceiling) in WebAssembly and on WebGPU, GB/s of the memory-bound ones (batchnorm, max pooling, Adam) on WebGPU, checked against float64 twins',
  run: runTrainKernels,
};

// ---------------------------------------------------------------------------------------------
// Trainings

/** A configuration of the paper's space to train, and the training images per epoch. */
export interface TrainConfig {
  name: string;
  config: Config;
  images: number;
}

function config(overrides: Record<string, unknown>): Config {
  const space = nasSpace();
  const merged = { ...space.defaultConfig(), ...overrides } as Config;
  const out: Config = {};
  for (const n of space.names) if (space.isActive(n, out)) out[n] = merged[n];
  return space.validate(out);
}

/** The configurations the 'train' suite times: the default network, the smallest, a wide one. */
export const TRAIN_CONFIGS: readonly TrainConfig[] = [
  { name: 'default (3x128 conv k5, GAP, 3x32 dense, batch 128)', config: config({}), images: 256 },
  { name: 'widths 16, one layer each, batch 32', config: config({ n_conv_l: 1, n_conv_0: 16, n_fc_l: 1, n_fc_0: 16, batch_size: 32 }), images: 672 },
  { name: 'widths 512 (3 conv, 3 dense)', config: config({ n_conv_0: 512, n_conv_1: 512, n_conv_2: 512, n_fc_0: 512, n_fc_1: 512, n_fc_2: 512 }), images: 128 },
];

/** --quick: the smallest configuration on two batches. */
export const QUICK_TRAIN_CONFIGS: readonly TrainConfig[] = [{ ...TRAIN_CONFIGS[1], images: 64 }];

/** Flowers' input: 3×16×16 images, 17 classes. */
export const FLOWERS_SHAPE: [number, number, number] = [3, 16, 16];
export const FLOWERS_CLASSES = 17;
/** validation (and test) images: the check's forward twin runs on them */
const CHECK_IMAGES = 2;

/** Random images in [0, 1) and random labels of Flowers' shape (no data files needed). */
export function syntheticFlowers(train: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const size = FLOWERS_SHAPE[0] * FLOWERS_SHAPE[1] * FLOWERS_SHAPE[2];
  const split = (n: number) => ({ n, x: Float32Array.from({ length: n * size }, () => rng.random()), labels: Int32Array.from({ length: n }, () => rng.int(FLOWERS_CLASSES)) });
  return { name: 'flowers', shape: FLOWERS_SHAPE, numClasses: FLOWERS_CLASSES, train: split(train), val: split(CHECK_IMAGES), test: split(CHECK_IMAGES) };
}

/** One training to time (a child process gets it as JSON). */
export interface TrainingJob {
  config: Config;
  images: number;
  /** epochs: the first, then the timed ones */
  epochs: number;
  device: 'wasm' | 'webgpu';
  seed: number;
}

/** What one training measured. */
export interface TrainingRun {
  /** seconds of each epoch */
  epochSeconds: number[];
  images: number;
  /** the backend's description, e.g. 'WebAssembly SIMD (relaxed, fused multiply-add)' */
  device: string;
  /** 'wasm', 'wasm-relaxed' or 'webgpu' */
  backend: string;
  /** the WebGPU adapter (AdapterInfo.name) */
  adapter?: string;
  check: string;
  /** peak resident memory of the process (Node, one process per training) */
  rssMiB?: number;
}

/**
 * Train `job` on synthetic Flowers-shaped data and time its epochs. The check: every epoch's loss
 * is finite, and the trained network's validation loss on the backend matches its float64 forward
 * twin (networkForwardReference) on the final state within 1e-3·max(1, loss).
 * @throws Error when the check fails
 */
export async function runTraining(job: TrainingJob, gpuDevice?: GPUDevice): Promise<TrainingRun> {
  const net = toNetworkConfig(job.config);
  const spec: NetworkSpec = networkSpec(net, FLOWERS_SHAPE, FLOWERS_CLASSES);
  const data = syntheticFlowers(job.images, job.seed);
  const opened = await openBackend(job.device, { gpuDevice });
  const b = opened.backend;
  try {
    const resident = b.upload(data);
    const ends: number[] = [];
    try {
      const r = await trainAndEvaluate(b, resident, spec, {
        epochs: job.epochs, batchSize: net.batchSize, lr: net.lr, seed: job.seed, keepState: true, onEpoch: (e) => ends.push(e.seconds),
      });
      if (!r.losses.every(Number.isFinite)) throw new Error(`runTraining: a training loss is not finite (${r.losses.join(', ')})`);
      const want = softmaxCrossEntropyReference(data.val.n, FLOWERS_CLASSES, networkForwardReference(spec, r.state!, data.val.x, data.val.n), data.val.labels).loss;
      if (!(Math.abs(r.valLoss - want) <= 1e-3 * Math.max(1, Math.abs(want)))) {
        throw new Error(`runTraining: the validation loss on ${b.description} is ${r.valLoss}, its float64 twin networkForwardReference says ${want}`);
      }
      const backend = b.kind === 'webgpu' ? 'webgpu' : /relaxed/.test(b.description) ? 'wasm-relaxed' : 'wasm';
      return {
        epochSeconds: ends.map((s, i) => s - (i > 0 ? ends[i - 1] : 0)), images: job.images, device: b.description, backend,
        ...(b instanceof WebGpuBackend ? { adapter: adapterName(b.gpu) } : {}),
        check: `epoch losses finite; validation loss after training matches the float64 twin networkForwardReference within 1e-3 (${r.valLoss.toPrecision(6)} vs ${want.toPrecision(6)})`,
      };
    } finally {
      b.release(resident);
    }
  } finally {
    opened.close();
  }
}

/** Timing of a run's epochs: the first apart, the rest warm. */
export function epochTiming(r: TrainingRun): Timing {
  const warm = r.epochSeconds.slice(1);
  return { first: r.epochSeconds[0], median: median(warm), p90: quantile(warm, 0.9), times: warm };
}

/** PyTorch's figures for one configuration and thread count (train-node.ts). */
export interface TorchFigures {
  version: string;
  threads: number;
  epochSeconds: number[];
  images: number;
  rssMiB: number;
}

/** What the Node side offers the 'train' suite (train-node.ts). */
export interface NodeTraining {
  cores: number;
  /** `count` trainings at once, each in its own process */
  trainInProcesses(job: TrainingJob, count: number): Promise<TrainingRun[]>;
  /** PyTorch on this CPU with `threads` threads per configuration, or why not */
  torch(python: string | undefined, configs: readonly TrainConfig[], epochs: number, threads: number, device?: 'cpu' | 'cuda'): Promise<{ figures: TorchFigures[] } | { reason: string }>;
}

function rateOfRuns(runs: TrainingRun[]): Timing {
  // the machine's throughput: the sum of the trainings' rates, turned back into seconds per `images`
  const images = runs[0].images;
  const sum = (f: (t: Timing) => number) => runs.reduce((s, r) => s + images / f(epochTiming(r)), 0);
  const n = Math.min(...runs.map((r) => r.epochSeconds.length - 1));
  return { first: images / sum((t) => t.first), median: images / sum((t) => t.median), p90: images / sum((t) => t.p90), times: new Array(n).fill(0) };
}

async function runTrain(ctx: SuiteContext): Promise<SuiteOutput> {
  const out: SuiteOutput = { results: [], anchors: [], skipped: [] };
  const configs = ctx.quick ? QUICK_TRAIN_CONFIGS : TRAIN_CONFIGS;
  const epochs = ctx.quick ? 3 : 4;
  const node: NodeTraining | undefined = runtime() === 'node' ? (await import('./train-node.ts')).nodeTraining() : undefined;

  const devices: ('wasm' | 'webgpu')[] = ['wasm'];
  let gpuDevice: GPUDevice | undefined;
  let gpu: Gpu | undefined;
  const g = await gpuFor(ctx);
  if ('reason' in g) out.skipped.push({ case: 'webgpu trainings', reason: g.reason });
  else {
    devices.push('webgpu');
    gpu = g.gpu;
    out.adapter = adapterInfoOf(gpu);
    if (node) gpu.dispose(); // each training process acquires its own
    else gpuDevice = gpu.device;
  }

  let torch1: TorchFigures[] | undefined, torchN: TorchFigures[] | undefined;
  if (node) {
    const one = await node.torch(ctx.python, configs, epochs, 1);
    const all = 'reason' in one || node.cores === 1 ? one : await node.torch(ctx.python, configs, epochs, node.cores);
    if ('reason' in one || 'reason' in all) out.anchors.push({ name: 'pytorch', status: 'absent', detail: 'reason' in one ? one.reason : (all as { reason: string }).reason });
    else {
      torch1 = one.figures;
      torchN = all.figures;
      out.anchors.push({ name: 'pytorch', status: 'present', detail: `torch ${one.figures[0].version} on this CPU, synthetic data of Flowers' shape` });
    }
  } else {
    out.anchors.push({ name: 'pytorch', status: 'absent', detail: 'PyTorch runs only beside the Node command (paretonas bench --python PATH)' } satisfies AnchorStatus);
  }
  // beside WebGPU on a hardware adapter: PyTorch on the machine's CUDA GPU, where it has one
  let torchGpu: TorchFigures[] | undefined;
  if (node && devices.includes('webgpu') && gpu && !gpu.software) {
    const cuda = await node.torch(ctx.python, configs, epochs, 1, 'cuda');
    if ('reason' in cuda) out.anchors.push({ name: 'pytorch-cuda', status: 'absent', detail: cuda.reason });
    else {
      torchGpu = cuda.figures;
      out.anchors.push({ name: 'pytorch-cuda', status: 'present', detail: `torch ${cuda.figures[0].version} on this machine's CUDA GPU, synthetic data of Flowers' shape resident on it` });
    }
  }

  try {
    for (const device of devices) {
      for (const [ci, c] of configs.entries()) {
        const job: TrainingJob = { config: c.config, images: c.images, epochs, device, seed: 1 };
        const shape = { images: c.images, batch: Number(c.config.batch_size), epochs: epochs - 1 };
        const row = (label: string, t: Timing, run: TrainingRun, anchor?: TorchFigures): BenchResult => {
          const r = resultFrom(t, {
            suite: 'train', case: `${c.name}, ${label}`, shape, backend: run.backend, ...(run.adapter ? { adapter: run.adapter } : {}),
            unit: 'images/s', work: c.images, check: run.check,
          });
          if (anchor) {
            const at = epochTiming({ ...run, epochSeconds: anchor.epochSeconds, images: anchor.images });
            const where = device === 'webgpu' ? 'CUDA' : `${anchor.threads} thread${anchor.threads > 1 ? 's' : ''}`;
            r.anchor = { name: device === 'webgpu' ? 'pytorch-cuda' : 'pytorch', version: `torch ${anchor.version}, ${where}`, first: anchor.images / at.first, median: anchor.images / at.median, p90: anchor.images / at.p90 };
            r.ratio = speedup('images/s', r.median, r.anchor.median);
          }
          return r;
        };
        ctx.log(`train: ${c.name} on ${device}`);
        let one: TrainingRun;
        try {
          one = node ? (await node.trainInProcesses(job, 1))[0] : await runTraining(job, gpuDevice);
        } catch (err) {
          // a network too large for this backend is a fact about the machine; any other failure is a bug
          if (!/DoesNotFitError/.test(`${(err as Error).name} ${(err as Error).message}`)) throw err;
          out.skipped.push({ case: `${c.name}, ${device}`, reason: (err as Error).message });
          continue;
        }
        out.results.push(row('1 training', epochTiming(one), one, device === 'wasm' ? torch1?.[ci] : torchGpu?.[ci]));
        if (one.rssMiB !== undefined) ctx.log(`  peak memory of the training process: ${one.rssMiB.toFixed(0)} MiB${device === 'wasm' && torch1 ? `; PyTorch's: ${torch1[ci].rssMiB.toFixed(0)} MiB` : ''}`);
        // one training per core shows what a search with one worker per core gets from the CPU
        if (node && device === 'wasm' && node.cores > 1) {
          const many = await node.trainInProcesses(job, node.cores);
          out.results.push(row(`${node.cores} trainings at once (sum)`, rateOfRuns(many), { ...one, check: `each: ${many[0].check}` }, torchN?.[ci]));
        }
      }
    }
  } finally {
    if (gpuDevice) gpu?.dispose();
  }
  return out;
}

export const trainSuite: Suite = {
  name: 'train',
  description: "training images/s per configuration (synthetic data of Flowers' shape) on each backend, one training and one per core, beside PyTorch",
  run: runTrain,
};
