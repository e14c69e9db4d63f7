// Expected hypervolume improvement (EHVI) of Gaussian candidates over a front, minimisation,
// independent objectives: candidate i is Y = mean_i + std_i ∘ Z with Z standard normal, and
//   EHVI_i = E[ HV(front ∪ {Y}) − HV(front) ].
//
// Exact formula (the box decomposition of Emmerich et al. 2011 / Yang et al. 2019, in the form
// that factorises): the improvement of a point y is Σ_boxes Π_j (u_j − max(l_j, y_j))⁺ over the
// boxes of the region the front does not dominate (boxes.ts), and for independent coordinates
//   E[(u − max(l, Y))⁺] = ψ(u) − ψ(l),   ψ(c) = E[(c − Y)⁺] = (c − μ)⁺ + σ·tail(|c − μ|/σ),
// (ψ(−∞) = 0, tail from normal.ts). The difference of the linear parts is evaluated as the
// single subtraction max(0, u − max(l, μ)), so nothing cancels when μ is far from the box, and
// σ = 0 needs no special case: the tails vanish and the formula is the improvement of the mean
// point itself. One deterministic objective (MS-EHVI's known size objective) is just σ_j = 0.
//
// Cost per candidate: 2-D, O(s) for a staircase of s points (one tail per strip edge and
// height); 3-D, O(k) tails for the k front points inside the box plus O(k) boxes (≤ 2k + 1).
// The front is decomposed once per call.
import { buildBoxes3, coord, freeBoxes3, staircase2 } from './boxes';
import { gaussTail } from './normal';
import { ld, li, st } from '../common/access';

export { gaussTail } from './normal';

/** σ·tail(|c − μ|/σ): the non-linear part of ψ(c); 0 when σ = 0. */
// @ts-ignore: decorator
@inline
function tailPart(c: f64, mu: f64, sigma: f64): f64 {
  return sigma > 0 ? sigma * gaussTail(Math.abs(c - mu) / sigma) : 0.0;
}

/**
 * Exact 2-objective EHVI of m candidates into out (f64[m]). front: f64[n·2]; ref: f64[2];
 * mean, std: f64[m·2] (std ≥ 0; 0 = deterministic). Front points not strictly inside the
 * reference box are ignored; dominated ones and duplicates are allowed.
 */
export function ehvi2(front: usize, n: i32, ref: usize, mean: usize, std: usize, m: i32, out: usize): void {
  const rx = load<f64>(ref), ry = load<f64>(ref, 8);
  const cap: i32 = n > 0 ? n : 1;
  const xs = heap.alloc(<usize>cap << 3);
  const ys = heap.alloc(<usize>cap << 3);
  const s = staircase2(front, n, rx, ry, xs, ys);
  for (let i = 0; i < m; i++) {
    const mx = ld(mean, 2 * i), my = ld(mean, 2 * i + 1);
    const sx = ld(std, 2 * i), sy = ld(std, 2 * i + 1);
    // strips i = 0..s: x in [xs[i−1], xs[i]) (−∞ and rx at the ends), y below ys[i−1] (ry for i = 0)
    let sum = 0.0;
    let xl = -Infinity, tl = 0.0;
    for (let j = 0; j <= s; j++) {
      const yu = j == 0 ? ry : ld(ys, j - 1);
      // heights decrease with j: once the Gaussian in y has no mass below yu, nothing follows
      if (yu <= my && (sy == 0 || my - yu > 38.6 * sy)) break;
      const xu = j < s ? ld(xs, j) : rx;
      const tu = tailPart(xu, mx, sx);
      let dx = Math.max(0.0, xu - Math.max(xl, mx)) + (tu - tl);
      if (dx < 0) dx = 0; // rounding only: the exact value is >= 0
      const dy = Math.max(0.0, yu - my) + tailPart(yu, my, sy);
      sum += dx * dy;
      xl = xu;
      tl = tu;
    }
    st(out, i, sum);
  }
  heap.free(xs);
  heap.free(ys);
}

/**
 * Exact 3-objective EHVI of m candidates into out (f64[m]). front: f64[n·3]; ref: f64[3];
 * mean, std: f64[m·3]. Same conventions as ehvi2.
 */
export function ehvi3(front: usize, n: i32, ref: usize, mean: usize, std: usize, m: i32, out: usize): void {
  const b = buildBoxes3(front, n, load<f64>(ref), load<f64>(ref, 8), load<f64>(ref, 16));
  const k = b.k;
  const count = b.count;
  // per candidate: the tail part at every table coordinate (k points + the reference)
  const tx = heap.alloc(<usize>(k + 1) << 3);
  const ty = heap.alloc(<usize>(k + 1) << 3);
  const tz = heap.alloc(<usize>(k + 1) << 3);
  for (let i = 0; i < m; i++) {
    const mx = ld(mean, 3 * i), my = ld(mean, 3 * i + 1), mz = ld(mean, 3 * i + 2);
    const sx = ld(std, 3 * i), sy = ld(std, 3 * i + 1), sz = ld(std, 3 * i + 2);
    for (let j = 0; j <= k; j++) {
      st(tx, j, tailPart(ld(b.X, j), mx, sx));
      st(ty, j, tailPart(ld(b.Y, j), my, sy));
      st(tz, j, tailPart(ld(b.Z, j), mz, sz));
    }
    let sum = 0.0;
    for (let c = 0; c < count; c++) {
      const iy = li(b.iy, c);
      const yu = ld(b.Y, iy);
      const dy = Math.max(0.0, yu - my) + ld(ty, iy);
      if (dy == 0) continue;
      const ixl = li(b.ixl, c), ixu = li(b.ixu, c);
      let dx = Math.max(0.0, ld(b.X, ixu) - Math.max(coord(b.X, ixl), mx)) + ld(tx, ixu) - (ixl < 0 ? 0.0 : ld(tx, ixl));
      if (dx <= 0) continue;
      const izl = li(b.izl, c), izu = li(b.izu, c);
      let dz = Math.max(0.0, ld(b.Z, izu) - Math.max(coord(b.Z, izl), mz)) + ld(tz, izu) - (izl < 0 ? 0.0 : ld(tz, izl));
      if (dz <= 0) continue;
      sum += dx * dy * dz;
    }
    st(out, i, sum);
  }
  heap.free(tx);
  heap.free(ty);
  heap.free(tz);
  freeBoxes3(b);
}

/**
 * Sample-average hypervolume improvement, for quasi-Monte Carlo EHVI. For candidate i and
 * sample row j of z (f64[s·d], standard normal deviates shared by all candidates), the point
 * y = mean_i + std_i ∘ z_j is scored by its exact improvement; the s samples are split into
 * `groups` consecutive groups of s / groups rows (s divisible by groups) and
 * out[i·groups + g] receives the mean improvement over group g (one scrambled replicate each,
 * for a standard error). d = 2 or 3; front: f64[n·d]; ref: f64[d]; mean, std: f64[m·d].
 */
export function hviSamples(
  front: usize, n: i32, d: i32, ref: usize, mean: usize, std: usize, m: i32, z: usize, s: i32, groups: i32, out: usize,
): void {
  const per = s / groups;
  if (d == 2) {
    const rx = load<f64>(ref), ry = load<f64>(ref, 8);
    const cap: i32 = n > 0 ? n : 1;
    const xs = heap.alloc(<usize>cap << 3);
    const ys = heap.alloc(<usize>cap << 3);
    const ns = staircase2(front, n, rx, ry, xs, ys);
    for (let i = 0; i < m; i++) {
      const mx = ld(mean, 2 * i), my = ld(mean, 2 * i + 1);
      const sx = ld(std, 2 * i), sy = ld(std, 2 * i + 1);
      for (let g = 0; g < groups; g++) {
        let acc = 0.0;
        for (let r = g * per; r < (g + 1) * per; r++) {
          const y0 = mx + sx * ld(z, 2 * r), y1 = my + sy * ld(z, 2 * r + 1);
          let xl = -Infinity;
          for (let j = 0; j <= ns; j++) {
            const yu = j == 0 ? ry : ld(ys, j - 1);
            if (yu <= y1) break;
            const xu = j < ns ? ld(xs, j) : rx;
            const w = xu - Math.max(xl, y0);
            if (w > 0) acc += w * (yu - y1);
            xl = xu;
          }
        }
        st(out, i * groups + g, acc / <f64>per);
      }
    }
    heap.free(xs);
    heap.free(ys);
    return;
  }
  const b = buildBoxes3(front, n, load<f64>(ref), load<f64>(ref, 8), load<f64>(ref, 16));
  for (let i = 0; i < m; i++) {
    const mx = ld(mean, 3 * i), my = ld(mean, 3 * i + 1), mz = ld(mean, 3 * i + 2);
    const sx = ld(std, 3 * i), sy = ld(std, 3 * i + 1), sz = ld(std, 3 * i + 2);
    for (let g = 0; g < groups; g++) {
      let acc = 0.0;
      for (let r = g * per; r < (g + 1) * per; r++) {
        const y0 = mx + sx * ld(z, 3 * r), y1 = my + sy * ld(z, 3 * r + 1), y2 = mz + sz * ld(z, 3 * r + 2);
        for (let c = 0; c < b.count; c++) {
          const hy = ld(b.Y, li(b.iy, c)) - y1;
          if (hy <= 0) continue;
          const wx = ld(b.X, li(b.ixu, c)) - Math.max(coord(b.X, li(b.ixl, c)), y0);
          if (wx <= 0) continue;
          const wz = ld(b.Z, li(b.izu, c)) - Math.max(coord(b.Z, li(b.izl, c)), y2);
          if (wz <= 0) continue;
          acc += wx * hy * wz;
        }
      }
      st(out, i * groups + g, acc / <f64>per);
    }
  }
  freeBoxes3(b);
}
