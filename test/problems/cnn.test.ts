// The Flowers and Fashion-MNIST problems on the real WebGPU adapter and the real data files.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CnnProblem } from '../../src/problems/cnn.ts';
import { FASHION_DEFAULT_DIR, loadFashion, loadFlowers } from '../../src/datasets/index.ts';
import { networkSpec } from '../../src/train/network.ts';
import { toNetworkConfig } from '../../src/space/nas.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;
const FASHION_DIR = process.env.PARETONAS_FASHION_DIR ?? FASHION_DEFAULT_DIR;
const noFashion = existsSync(`${FASHION_DIR}/train-images-idx3-ubyte.gz`) ? undefined : `no Fashion-MNIST in ${FASHION_DIR} (Debian: apt-get install dataset-fashion-mnist)`;

describe('datasets', () => {
  it('loads Flowers 17 from the .npy files: 680/340/340 images, 17 classes, pixels in [0, 1]', async () => {
    const d = await loadFlowers(FLOWERS_DIR);
    expect([d.train.n, d.val.n, d.test.n]).toEqual([680, 340, 340]);
    expect(d.shape).toEqual([3, 16, 16]);
    expect(d.train.x.length).toBe(680 * 768);
    const counts = new Array(17).fill(0);
    for (const l of d.train.labels) counts[l]++;
    expect(counts).toEqual(new Array(17).fill(40)); // 40 per class, sorted by class
    expect(d.val.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    await expect(loadFlowers(join(root, 'no-such-dir'))).rejects.toThrow(/loadFlowers: cannot read [xy]_(train|val|test)\.npy in .*no-such-dir/);
  });

  it.skipIf(noFashion !== undefined)(`loads Fashion-MNIST with a seeded 48,000/12,000 split ${noFashion ?? ''}`, async () => {
    const a = await loadFashion(FASHION_DIR, 0);
    expect([a.train.n, a.val.n, a.test.n]).toEqual([48000, 12000, 10000]);
    const counts = new Array(10).fill(0);
    for (const l of a.test.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    const b = await loadFashion(FASHION_DIR, 0), c = await loadFashion(FASHION_DIR, 1);
    expect(b.val.labels).toEqual(a.val.labels);
    expect(c.val.labels).not.toEqual(a.val.labels);
    // the split is a partition of the 60,000 training images
    const sum = (s: { x: Float32Array }) => s.x.reduce((t, v) => t + v, 0);
    expect(sum(a.train) + sum(a.val)).toBeCloseTo(sum(c.train) + sum(c.val), -2);
  });
});

describe('CnnProblem', () => {
  it('evaluates a configuration: five metrics, the exact parameter count, the backend that trained it', async () => {
    const p = new CnnProblem('flowers', { dataDir: FLOWERS_DIR, subset: { train: 96, val: 68, test: 68 } });
    const { n_conv_1: _a, n_conv_2: _b, n_fc_1: _c, n_fc_2: _d, ...rest } = p.space.defaultConfig();
    const config = { ...rest, n_conv_l: 1, n_fc_l: 1, n_conv_0: 16, n_fc_0: 16, batch_size: 32 };
    const r = await p.evaluate(config, { budget: 2, seed: 1 });
    await p.dispose();
    const params = networkSpec(toNetworkConfig(config), [3, 16, 16], 17).numParams;
    expect(r.values[1]).toBe(Math.log10(params));
    expect(r.values[0]).toBeLessThanOrEqual(0);
    expect(r.values[0]).toBeGreaterThanOrEqual(-100);
    expect(r.metrics).toMatchObject({ num_params: Math.log10(params), n_parameters: params, epochs: 2 });
    for (const k of ['val_acc_1', 'val_acc_3', 'tst_acc_1', 'tst_acc_3']) expect(r.metrics![k]).toBeLessThanOrEqual(0);
    expect(r.metrics!.val_acc_3 as number).toBeLessThanOrEqual(r.metrics!.val_acc_1 as number);
    // 'auto' never picks a software WebGPU adapter: without a GPU this is the CPU backend
    expect(['wasm', 'webgpu']).toContain(r.metrics!.backend);
    if (r.metrics!.backend === 'wasm') expect(String(r.metrics!.device)).toMatch(/^WebAssembly SIMD/);
    expect(r.cost).toBeCloseTo(2 / 25, 12);
  });

  it('rejects an unknown device, naming the option', () => {
    expect(() => new CnnProblem('flowers', { dataDir: FLOWERS_DIR, device: 'gpu' as never })).toThrow(/CnnProblem: device must be one of auto, webgpu, wasm, got "gpu"/);
  });

  it('paretonas search --problem flowers --method shemoa runs end to end (smoke budget)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'paretonas-cnn-')), 'run');
    const r = spawnSync(process.execPath, [join(root, 'bin/paretonas.js'), 'search', '--problem', 'flowers', '--method', 'shemoa', '--max-evals', '6', '--seed', '2',
      '--out', out, '--data-dir', FLOWERS_DIR, '--method-options', '{"populationSize": 3}',
      '--problem-options', '{"maxWidth": 24, "subset": {"train": 64, "val": 34, "test": 34}, "minEpochs": 1, "maxEpochs": 2}'], { encoding: 'utf8', timeout: 400_000 });
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s).toMatchObject({ problem: 'flowers', method: 'shemoa', evaluations: 6, referencePoint: [0, 8] });
    expect(s.complete + s.failed).toBe(6);
    // 'auto' is resolved once for the run and every trial records what trained it
    expect(Object.keys(s.backends).length).toBe(1);
    expect(Object.keys(s.backends)[0]).toMatch(/^(wasm: WebAssembly SIMD|webgpu: )/);
    expect(Object.values(s.backends)[0]).toBe(s.complete);
    const meta = JSON.parse(readFileSync(join(out, 'trials.jsonl'), 'utf8').split('\n')[0]).meta;
    expect(['wasm', 'webgpu']).toContain(meta.problemOptions.device);
    // SH-EMOA searches the ConfigSpace form, as in the paper (journalled with the problem)
    expect(meta.problemOptions.spaceForm).toBe('configspace');
    expect(meta.minBudget).toBe(1);
    for (const p of s.front) {
      expect(p.objectives[0]).toBeLessThanOrEqual(0);
      expect(p.objectives[1]).toBeGreaterThan(2);
    }
  });
});
