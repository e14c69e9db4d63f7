// Run by test/platform/deno.test.ts under Deno: the built package computes a hypervolume.
import { fromRows, hypervolume, hvContributions, ndsort } from '../../dist/index.js';

const pts = fromRows([[1, 5, 3], [2, 2, 4], [4, 1, 1], [3, 3, 3]]);
const ref = [6, 6, 6];
console.log(JSON.stringify({
  runtime: 'Deno' in globalThis ? 'deno' : 'other',
  hv: hypervolume(pts, 3, ref),
  hvc: Array.from(hvContributions(pts, 3, ref)),
  ranks: Array.from(ndsort(pts, 3)),
}));
