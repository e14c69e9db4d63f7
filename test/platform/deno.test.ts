import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromRows, hvContributions, hypervolume, ndsort } from '../../src/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;
const deno = `${root}node_modules/.bin/deno`;

describe('Deno', () => {
  it('a Deno script computes the same hypervolume, contributions and ranks through the built package', () => {
    const out = execFileSync(deno, ['run', '--no-prompt', '--allow-read', 'test/platform/deno-hypervolume.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
    const res = JSON.parse(out.trim().split('\n').pop()!);
    const pts = fromRows([[1, 5, 3], [2, 2, 4], [4, 1, 1], [3, 3, 3]]);
    expect(res.runtime).toBe('deno');
    expect(res.hv).toBe(hypervolume(pts, 3, [6, 6, 6]));
    expect(res.hvc).toEqual(Array.from(hvContributions(pts, 3, [6, 6, 6])));
    expect(res.ranks).toEqual(Array.from(ndsort(pts, 3)));
    expect(res.hv).toBeGreaterThan(0);
  });
});

describe('Deno training', () => {
  it.for<[string, RegExp]>([
    ['webgpu', /\[Deno navigator\.gpu\]/],
    ['wasm', /^WebAssembly SIMD \(relaxed/],
  ])('trains a small CNN on Flowers on %s through the built package: the loss falls', { timeout: 300_000 }, ([device, described]) => {
    const out = execFileSync(deno, ['run', '--no-prompt', '--unstable-webgpu', '--allow-read', '--allow-env', 'test/platform/deno-train.ts', FLOWERS_DIR, device], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.metrics.backend).toBe(device);
    expect(r.metrics.device).toMatch(described);
    expect(r.metrics.n_parameters).toBe(33841);
    expect(r.losses.length).toBe(4);
    expect(r.losses[3]).toBeLessThan(0.7 * r.losses[0]);
    expect(r.values[0]).toBeLessThan(-100 / 17); // better than chance on validation
  });
});
