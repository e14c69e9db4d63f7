// `npm run bench:train`: GFLOP/s of the training kernels on the layers of the paper's default
// network (the WebAssembly CPU backend always, beside the plain SIMD GEMM ceiling; WebGPU on a
// hardware adapter, or on the software one with --webgpu), then training images/s and peak memory
// for three named configurations — one CPU training, and one per core at once — side by side with
// PyTorch on this machine's CPU in the same run when python3 with torch is installed
// (TORCH_PYTHON, default /usr/bin/python3).
//   npm run bench:train [-- --webgpu] [-- --quick]
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { acquireGpu } from '../src/gpu/device.ts';
import { GpuRuntime, type DispatchSpec } from '../src/gpu/runtime.ts';
import { probeHardwareAdapter } from '../src/platform/gpu.ts';
import { nasSpace } from '../src/space/nas.ts';
import type { Config } from '../src/space/types.ts';
import { CONV2D_SHADERS, conv2dFlops, conv2dForward, conv2dGradInput, conv2dGradWeight, conv2dGradWeightScratchBytes, type Conv2dShape } from '../src/train/kernels/conv2d.ts';
import { DENSE_SHADERS, denseBackward, denseForward, denseWorkspaceFloats } from '../src/train/kernels/dense.ts';
import { machine, median } from './harness.ts';
import { benchWasmKernels, printWasmKernels } from './train-wasm-kernels.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;
export const TORCH = process.env.TORCH_PYTHON ?? '/usr/bin/python3';

function config(overrides: Record<string, unknown>): Config {
  const space = nasSpace();
  const merged = { ...space.defaultConfig(), ...overrides } as Config;
  const out: Config = {};
  for (const n of space.names) if (space.isActive(n, out)) out[n] = merged[n];
  return space.validate(out);
}

export const TRAIN_CONFIGS: { name: string; config: Config; images: number }[] = [
  { name: 'default (3x128 conv k5, GAP, 3x32 dense, batch 128)', config: config({}), images: 256 },
  { name: 'widths 16, one layer each, batch 32', config: config({ n_conv_l: 1, n_conv_0: 16, n_fc_l: 1, n_fc_0: 16, batch_size: 32 }), images: 672 },
  { name: 'widths 512 (3 conv, 3 dense)', config: config({ n_conv_0: 512, n_conv_1: 512, n_conv_2: 512, n_fc_0: 512, n_fc_1: 512, n_fc_2: 512 }), images: 128 },
];

async function timeGpu(rt: GpuRuntime, specs: DispatchSpec[], runs: number): Promise<{ first: number; median: number }> {
  const once = async () => {
    const t0 = performance.now();
    rt.run(specs);
    await rt.device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / 1000;
  };
  const first = await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return { first, median: median(times) };
}

async function benchKernels(rt: GpuRuntime, software: boolean): Promise<string[]> {
  const runs = software ? 3 : 20;
  const lines = ['| kernel | shape | first call | median | GFLOP/s |', '|---|---|---|---|---|'];
  const N = 128;
  const convs: [string, Conv2dShape][] = [
    ['conv 3->128 16x16 k5', { batch: N, inChannels: 3, outChannels: 128, height: 16, width: 16, kernelSize: 5 }],
    ['conv 128->128 8x8 k5', { batch: N, inChannels: 128, outChannels: 128, height: 8, width: 8, kernelSize: 5 }],
    ['conv 128->128 4x4 k5', { batch: N, inChannels: 128, outChannels: 128, height: 4, width: 4, kernelSize: 5 }],
    ['conv 128->512 8x8 k3', { batch: N, inChannels: 128, outChannels: 512, height: 8, width: 8, kernelSize: 3 }],
  ];
  for (const [label, s] of convs) {
    const x = rt.buffer(s.batch * s.inChannels * s.height * s.width * 4);
    const y = rt.buffer(s.batch * s.outChannels * s.height * s.width * 4);
    const w = rt.buffer(s.outChannels * s.inChannels * s.kernelSize ** 2 * 4);
    const b = rt.buffer(s.outChannels * 4);
    const dw = rt.buffer(s.outChannels * s.inChannels * s.kernelSize ** 2 * 4), db = rt.buffer(s.outChannels * 4);
    const scratchBytes = conv2dGradWeightScratchBytes(s);
    const scratch = scratchBytes > 0 ? rt.buffer(scratchBytes) : undefined;
    const flops = conv2dFlops(s);
    for (const [what, specs] of [
      ['forward', conv2dForward(s, { x, w, b, y })],
      ['grad input', conv2dGradInput(s, { dy: y, w, dx: x })],
      ['grad weight', conv2dGradWeight(s, { x, dy: y, dw, db, scratch })],
    ] as const) {
      const t = await timeGpu(rt, specs, runs);
      lines.push(`| ${what} | ${label}, N=${N} | ${(t.first * 1000).toFixed(1)} ms | ${(t.median * 1000).toFixed(1)} ms | ${(flops / t.median / 1e9).toFixed(2)} |`);
    }
    for (const buf of [x, y, w, b, dw, db, scratch]) if (buf) rt.release(buf);
  }
  for (const [inF, outF] of [[512, 512], [2048, 32]]) {
    const x = rt.buffer(N * inF * 4), y = rt.buffer(N * outF * 4), w = rt.buffer(inF * outF * 4), b = rt.buffer(outF * 4);
    const dx = rt.buffer(N * inF * 4), dw = rt.buffer(inF * outF * 4), db = rt.buffer(outF * 4);
    const wsFloats = denseWorkspaceFloats({ batch: N, inFeatures: inF, outFeatures: outF });
    const workspace = wsFloats > 0 ? rt.buffer(wsFloats * 4) : undefined;
    const flops = 2 * N * inF * outF;
    const shape = { batch: N, inFeatures: inF, outFeatures: outF };
    const fwd = await timeGpu(rt, denseForward(shape, { x, weight: w, bias: b, y, workspace }), runs);
    const bwd = await timeGpu(rt, denseBackward(shape, { x, weight: w, dy: y, dx, dweight: dw, dbias: db, workspace }), runs);
    lines.push(`| forward | dense ${inF}->${outF}, N=${N} | ${(fwd.first * 1000).toFixed(1)} ms | ${(fwd.median * 1000).toFixed(1)} ms | ${(flops / fwd.median / 1e9).toFixed(2)} |`);
    lines.push(`| backward (dx, dW, db) | dense ${inF}->${outF}, N=${N} | ${(bwd.first * 1000).toFixed(1)} ms | ${(bwd.median * 1000).toFixed(1)} ms | ${((2 * flops) / bwd.median / 1e9).toFixed(2)} |`);
    for (const buf of [x, y, w, b, dx, dw, db, workspace]) if (buf) rt.release(buf);
  }
  return lines;
}

interface OneRun {
  imagesPerSecond: number;
  device: string;
  maxRssMiB: number;
}

/** One training in a fresh process (see bench/train-one.ts). */
function trainOne(c: { config: Config; images: number }, device: 'wasm' | 'webgpu' = 'wasm'): Promise<OneRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', `${root}bench/train-one.ts`, JSON.stringify({ config: c.config, images: c.images, device })], { cwd: root, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`bench/train-one.ts failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

export function torchAvailable(): boolean {
  return spawnSync(TORCH, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/** PyTorch images/s and peak RSS per configuration, one process per configuration. */
function torch(c: { name: string; config: Config; images: number }, threads: number): { imagesPerSecond: number; maxRssMiB: number } {
  const out = execFileSync(TORCH, [`${root}bench/anchors/torch_train.py`, FLOWERS_DIR, JSON.stringify([c]), '--threads', String(threads)], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  return { imagesPerSecond: r.images_per_second, maxRssMiB: r.max_rss_mib };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const cores = cpus().length;
  console.log(`# Training benchmarks; host ${machine()}\n`);
  printWasmKernels(await benchWasmKernels({ quick }));

  const hardware = await probeHardwareAdapter();
  if (hardware || process.argv.includes('--webgpu')) {
    const gpu = await acquireGpu();
    console.log(`\n### WGSL kernels on ${gpu.adapter}${gpu.software ? ' (software adapter)' : ''}\n`);
    const rt = await GpuRuntime.create(gpu, [...CONV2D_SHADERS, ...DENSE_SHADERS]);
    for (const l of await benchKernels(rt, gpu.software)) console.log(l);
    rt.destroy();
    gpu.dispose();
  } else {
    console.log('\n(no hardware WebGPU adapter: WGSL kernels not timed; --webgpu times them on the software adapter)');
  }

  const anchor = torchAvailable();
  console.log(`\n### Training images/s (second epoch over the first N training images) and peak RSS; ${cores} cores\n`);
  console.log('| configuration | ours, 1 training | ours, ' + cores + ' trainings at once (sum) | PyTorch CPU, 1 thread | PyTorch CPU, ' + cores + ' threads | ratio 1 training / PyTorch ' + cores + ' threads | ratio ' + cores + ' at once / PyTorch ' + cores + ' threads | RSS ours (one worker) | RSS PyTorch |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  let device = '';
  for (const c of TRAIN_CONFIGS) {
    const one = await trainOne(c);
    device = one.device;
    const many = await Promise.all(Array.from({ length: cores }, () => trainOne(c)));
    const sum = many.reduce((s, r) => s + r.imagesPerSecond, 0);
    const t1 = anchor ? torch(c, 1) : undefined;
    const tn = anchor ? torch(c, cores) : undefined;
    const f = (x?: number) => (x === undefined ? '—' : x.toFixed(1));
    const ratio = (x: number, y?: number) => (y ? (x / y).toFixed(3) : '—');
    console.log(`| ${c.name} | ${f(one.imagesPerSecond)} | ${f(sum)} | ${f(t1?.imagesPerSecond)} | ${f(tn?.imagesPerSecond)} | ${ratio(one.imagesPerSecond, tn?.imagesPerSecond)} | ${ratio(sum, tn?.imagesPerSecond)} | ${one.maxRssMiB.toFixed(0)} MiB | ${tn ? tn.maxRssMiB.toFixed(0) + ' MiB' : '—'} |`);
  }
  console.log(`\n(ours: ${device}${anchor ? '' : '; no PyTorch: install python3-torch or set TORCH_PYTHON for the side-by-side columns'})`);
}
