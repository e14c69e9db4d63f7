// Run by test/platform/deno.test.ts under Deno: train a small CNN on Flowers through the built
// package, on the device given as the second argument ('webgpu': Deno's navigator.gpu, run with
// --unstable-webgpu; 'wasm': the WebAssembly CPU backend).
declare const Deno: { args: string[] };
import { CnnProblem } from '../../dist/index.js';

const [dir, device] = Deno.args as [string, 'webgpu' | 'wasm'];
const losses: number[] = [];
const p = new CnnProblem('flowers', { dataDir: dir, device, subset: { train: 128, val: 68, test: 68 }, onEpoch: (e: { loss: number }) => losses.push(e.loss) });
const { n_conv_1: _a, n_conv_2: _b, n_fc_1: _c, n_fc_2: _d, ...rest } = p.space.defaultConfig();
const config = { ...rest, n_conv_l: 1, n_conv_0: 16, n_fc_l: 1, n_fc_0: 32, global_avg_pooling: false, batch_norm: true, kernel_size: 3, batch_size: 32, lr_init: 0.003 };
const r = await p.evaluate(config, { budget: 4, seed: 1 });
await p.dispose();
console.log(JSON.stringify({ values: r.values, metrics: r.metrics, losses }));
