// Reference twin of the nonDominated kernel: every row compared with every other, O(n^2 d).
// Slow and obviously correct; tests only. Points are row-major, every objective minimised.
import { dominates } from './ndsort.ts';

function identical(points: ArrayLike<number>, d: number, a: number, b: number): boolean {
  for (let j = 0; j < d; j++) if (points[a * d + j] !== points[b * d + j]) return false;
  return true;
}

/**
 * 1 for each row that no other row dominates, else 0. Without keepDuplicates a row that is an
 * identical copy of an earlier row is dropped as well.
 */
export function nonDominatedReference(points: ArrayLike<number>, d: number, keepDuplicates = true): Uint8Array {
  const n = points.length / d;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let keep = true;
    for (let j = 0; j < n && keep; j++) {
      if (j !== i && dominates(points, d, j, i)) keep = false;
      else if (!keepDuplicates && j < i && identical(points, d, j, i)) keep = false;
    }
    out[i] = keep ? 1 : 0;
  }
  return out;
}
