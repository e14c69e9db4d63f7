// Accuracy parity with PyTorch: the paper's default network trained for 25 epochs on Flowers
// with seeds 1-3 on the CPU backend, beside bench/anchors/torch_train.py (PyTorch CPU) with the
// same seeds in the same run. The target: our median validation top-1 lies inside PyTorch's range
// over those seeds, widened by 2 points. (Initialisation and shuffling come from different
// generators, so a seed does not give the same network on both sides: only the distributions
// can agree.)
//   npx tsx bench/train-accuracy.ts [--epochs 25] [--seeds 1,2,3]   (TORCH_PYTHON, PARETONAS_FLOWERS_DIR)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median } from '../src/bench/harness.ts';
import { TRAIN_CONFIGS } from '../src/bench/suites/train.ts';
import { CnnProblem } from '../src/problems/cnn.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;
const TORCH = process.env.TORCH_PYTHON ?? '/usr/bin/python3';

function torchAvailable(): boolean {
  return spawnSync(TORCH, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

export interface AccuracyRow {
  seed: number;
  ours: { val1: number; test1: number; seconds: number };
  torch?: { val1: number; test1: number; seconds: number };
}

export async function benchTrainAccuracy(epochs = 25, seeds = [1, 2, 3]): Promise<AccuracyRow[]> {
  const config = TRAIN_CONFIGS[0].config;
  const rows: AccuracyRow[] = [];
  const problem = new CnnProblem('flowers', { dataDir: FLOWERS_DIR, device: 'wasm' });
  try {
    for (const seed of seeds) {
      const r = await problem.train(config, { budget: epochs, seed });
      rows.push({ seed, ours: { val1: 100 * r.valTop1, test1: 100 * r.testTop1, seconds: r.trainSeconds } });
    }
  } finally {
    await problem.dispose();
  }
  if (torchAvailable()) {
    const items = seeds.map((seed) => ({ name: `seed ${seed}`, config, seed, epochs }));
    const out = execFileSync(TORCH, [`${root}bench/anchors/torch_train.py`, FLOWERS_DIR, JSON.stringify(items), '--threads', '2'], { encoding: 'utf8' });
    out.trim().split('\n').map((l) => JSON.parse(l)).forEach((t, i) => {
      rows[i].torch = { val1: 100 * t.val_acc_1, test1: 100 * t.tst_acc_1, seconds: (epochs * 680) / t.images_per_second };
    });
  }
  return rows;
}

export function printTrainAccuracy(rows: AccuracyRow[], epochs: number): void {
  console.log(`\n### Accuracy parity: default network, ${epochs} epochs on Flowers (CPU backend vs PyTorch CPU, 2 threads)\n`);
  console.log('| seed | ours val top-1 % | ours test top-1 % | ours s | PyTorch val top-1 % | PyTorch test top-1 % | PyTorch s |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const t = r.torch;
    console.log(`| ${r.seed} | ${r.ours.val1.toFixed(1)} | ${r.ours.test1.toFixed(1)} | ${r.ours.seconds.toFixed(0)} | ${t ? t.val1.toFixed(1) : '—'} | ${t ? t.test1.toFixed(1) : '—'} | ${t ? t.seconds.toFixed(0) : '—'} |`);
  }
  const ours = median(rows.map((r) => r.ours.val1));
  if (rows.every((r) => r.torch)) {
    const tv = rows.map((r) => r.torch!.val1);
    const lo = Math.min(...tv) - 2, hi = Math.max(...tv) + 2;
    console.log(`\nour median val top-1 ${ours.toFixed(1)} %; PyTorch's range ± 2 points: [${lo.toFixed(1)}, ${hi.toFixed(1)}] -> ${ours >= lo && ours <= hi ? 'inside' : 'OUTSIDE'}`);
  } else {
    console.log(`\nour median val top-1 ${ours.toFixed(1)} % (no PyTorch anchor: install python3-torch or set TORCH_PYTHON)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const epochs = Number(arg('--epochs') ?? 25);
  const seeds = (arg('--seeds') ?? '1,2,3').split(',').map(Number);
  console.log(`# ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  printTrainAccuracy(await benchTrainAccuracy(epochs, seeds), epochs);
}
