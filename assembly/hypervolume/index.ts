import { hv2dStrided } from './hv2d';
import { hv3dStrided } from './hv3d';
import { hv4dStrided } from './hv4d';
import { hvNdStrided } from './hvnd';

/** Exact hypervolume of `n` points in `d` dimensions w.r.t. `ref` (f64[d]); dispatches by d. */
export function hypervolume(pts: usize, n: i32, d: i32, ref: usize): f64 {
  if (d == 1) {
    let best = load<f64>(ref);
    for (let i = 0; i < n; i++) {
      const x = load<f64>(pts + (<usize>i << 3));
      if (x < best) best = x;
    }
    return load<f64>(ref) - best;
  }
  if (d == 2) return hv2dStrided(pts, n, d, load<f64>(ref), load<f64>(ref, 8));
  if (d == 3) return hv3dStrided(pts, n, d, load<f64>(ref), load<f64>(ref, 8), load<f64>(ref, 16));
  if (d == 4) return hv4dStrided(pts, n, d, ref);
  return hvNdStrided(pts, n, d, ref);
}
