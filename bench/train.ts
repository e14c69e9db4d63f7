// `npm run bench:train`: GFLOP/s of the convolution and dense kernels (forward and backward)
// on the layers of the paper's default network, and training images/s for three named
// configurations, on whatever WebGPU adapter is present, side by side with PyTorch on this
// machine's CPU when python3 with torch is installed (TORCH_PYTHON, default /usr/bin/python3).
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { acquireGpu } from '../src/gpu/device.ts';
import { GpuRuntime, type DispatchSpec } from '../src/gpu/runtime.ts';
import { CnnProblem } from '../src/problems/cnn.ts';
import { nasSpace } from '../src/space/nas.ts';
import type { Config } from '../src/space/types.ts';
import { CONV2D_SHADERS, conv2dFlops, conv2dForward, conv2dGradInput, conv2dGradWeight, conv2dGradWeightScratchBytes, type Conv2dShape } from '../src/train/kernels/conv2d.ts';
import { DENSE_SHADERS, denseBackward, denseForward, denseWorkspaceFloats } from '../src/train/kernels/dense.ts';
import { machine, median } from './harness.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;
const TORCH = process.env.TORCH_PYTHON ?? '/usr/bin/python3';

function config(overrides: Record<string, unknown>): Config {
  const space = nasSpace();
  const merged = { ...space.defaultConfig(), ...overrides } as Config;
  const out: Config = {};
  for (const n of space.names) if (space.isActive(n, out)) out[n] = merged[n];
  return space.validate(out);
}

export const TRAIN_CONFIGS: { name: string; config: Config; images: number }[] = [
  { name: 'default (3x128 conv k5, GAP, 3x32 dense, batch 128)', config: config({}), images: 256 },
  { name: 'widths 16, one layer each', config: config({ n_conv_l: 1, n_conv_0: 16, n_fc_l: 1, n_fc_0: 16 }), images: 680 },
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
    const fwd = await timeGpu(rt, denseForward({ batch: N, inFeatures: inF, outFeatures: outF, x, weight: w, bias: b, y, workspace }), runs);
    const bwd = await timeGpu(rt, denseBackward({ batch: N, inFeatures: inF, outFeatures: outF, x, weight: w, dy: y, dx, dweight: dw, dbias: db, workspace }), runs);
    lines.push(`| forward | dense ${inF}->${outF}, N=${N} | ${(fwd.first * 1000).toFixed(1)} ms | ${(fwd.median * 1000).toFixed(1)} ms | ${(flops / fwd.median / 1e9).toFixed(2)} |`);
    lines.push(`| backward (dx, dW, db) | dense ${inF}->${outF}, N=${N} | ${(bwd.first * 1000).toFixed(1)} ms | ${(bwd.median * 1000).toFixed(1)} ms | ${((2 * flops) / bwd.median / 1e9).toFixed(2)} |`);
    for (const buf of [x, y, w, b, dx, dw, db, workspace]) if (buf) rt.release(buf);
  }
  return lines;
}

/** images/s of the second epoch over `images` training images (the first one compiles). */
async function ours(c: { config: Config; images: number }): Promise<{ ips: number; adapter: string }> {
  const secs: number[] = [];
  const p = new CnnProblem('flowers', { dataDir: FLOWERS_DIR, subset: { train: c.images, val: 17, test: 17 }, onEpoch: (e) => secs.push(e.seconds) });
  const r = await p.train(c.config, { budget: 2, seed: 1 });
  await p.dispose();
  return { ips: c.images / (secs[1] - secs[0]), adapter: r.adapter };
}

function torchAvailable(): boolean {
  return spawnSync(TORCH, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

function torch(items: { name: string; config: Config; images: number }[]): Map<string, number> {
  const out = execFileSync(TORCH, [`${root}bench/anchors/torch_train.py`, FLOWERS_DIR, JSON.stringify(items), '--threads', '2'], { encoding: 'utf8' });
  return new Map(out.trim().split('\n').map((l) => JSON.parse(l)).map((r) => [r.name, r.images_per_second]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const gpu = await acquireGpu();
  console.log(`# Training kernels on ${gpu.adapter}${gpu.software ? ' (software adapter)' : ''}; host ${machine()}\n`);
  const rt = await GpuRuntime.create(gpu, [...CONV2D_SHADERS, ...DENSE_SHADERS]);
  for (const l of await benchKernels(rt, gpu.software)) console.log(l);
  rt.destroy();
  gpu.dispose();
  const anchor = torchAvailable() ? torch(TRAIN_CONFIGS) : undefined;
  console.log(`\n| configuration | paretonas images/s | ${anchor ? 'PyTorch CPU (2 threads) images/s | ratio |' : ''}\n|---|---|${anchor ? '---|---|' : ''}`);
  for (const c of TRAIN_CONFIGS) {
    const r = await ours(c);
    const a = anchor?.get(c.name);
    console.log(`| ${c.name} | ${r.ips.toFixed(1)} | ${a ? `${a.toFixed(1)} | ${(r.ips / a).toFixed(3)} |` : ''}`);
  }
  if (!anchor) console.log('\n(no PyTorch: install python3-torch or set TORCH_PYTHON for the side-by-side column)');
}
