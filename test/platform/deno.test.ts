import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromRows, hvContributions, hypervolume, ndsort } from '../../src/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
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
