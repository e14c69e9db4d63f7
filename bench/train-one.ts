// One training in its own process, for bench/train.ts: images/s of the second epoch over the
// first `images` training images (the first epoch compiles and warms up) and the process's
// peak resident memory. Prints one JSON line.
//   node --import tsx bench/train-one.ts '{"config": {...}, "images": 256, "device": "wasm"}'
import { resourceUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { CnnProblem } from '../src/problems/cnn.ts';
import type { Config } from '../src/space/types.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { config, images, device = 'wasm', simd } = JSON.parse(process.argv[2]) as { config: Config; images: number; device?: 'wasm' | 'webgpu'; simd?: 'baseline' | 'relaxed' };
const secs: number[] = [];
const p = new CnnProblem('flowers', {
  dataDir: process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`,
  device, simd, subset: { train: images, val: 17, test: 17 },
  onEpoch: (e) => secs.push(e.seconds),
});
const r = await p.train(config, { budget: 2, seed: 1 });
await p.dispose();
process.stdout.write(JSON.stringify({ imagesPerSecond: images / (secs[1] - secs[0]), device: r.device, maxRssMiB: resourceUsage().maxRSS / 1024 }) + '\n');
